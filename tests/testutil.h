/*
 * testutil.h - what every cmocka test file includes.
 */
#ifndef SPRECHER_TESTUTIL_H
#define SPRECHER_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* Directory of the repository's tests/ folder (the test runner runs from the top level). */
#define TESTS_DIR "tests"

#endif
