# sprecher - German news articles to radio-ready audio.
#
#   make demo     install missing packages, build, render examples/ into out/
#   make test     install missing packages, build, run every test (also under ASan/UBSan)
#   make          build ./sprecher
#   make bench    real-time factor, peak memory, ratio against a shell pipeline
#   make install  PREFIX=/usr/local DESTDIR=   (program, voices, man page, bash/zsh completion)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/sprecher
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
VERSION := 0.1.0

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = espeak-ng sndfile samplerate soxr libebur128 inih nettle
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
WARN     = -std=c11 -Wall -Wextra -Wpedantic
DEFS     = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DSPRECHER_VERSION=\"$(VERSION)\" \
           -DSPRECHER_DATADIR=\"$(DATADIR)\"
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LIBS     = $(PKG_LIBS) -lpthread -lm
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      = $(wildcard src/*.c)
LIB_SRC  = $(filter-out src/main.c,$(SRC))
TEST_SRC = $(wildcard tests/test_*.c)
TEST_LIB = $(wildcard tests/testlib*.c)

OBJ       = $(SRC:src/%.c=build/%.o)
LIB_OBJ   = $(LIB_SRC:src/%.c=build/%.o)
ASAN_OBJ  = $(SRC:src/%.c=build-asan/%.o)
ASAN_LIB  = $(LIB_SRC:src/%.c=build-asan/%.o)
TESTS     = $(TEST_SRC:tests/%.c=build/tests/%)
ASAN_TESTS = $(TEST_SRC:tests/%.c=build-asan/tests/%)

.PHONY: all deps demo test check check-asan fuzz bench install uninstall clean print-pkgs
all: sprecher

deps:
	@scripts/install-deps.sh

sprecher: build/sprecher
	cp build/sprecher $@

build/sprecher: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LIBS) $(LDFLAGS)

build-asan/sprecher: $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN) -o $@ $(ASAN_OBJ) $(LIBS) $(LDFLAGS)

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build-asan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/tests/%: tests/%.c $(TEST_LIB) $(LIB_OBJ) tests/testutil.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(TEST_LIB) $(LIB_OBJ) $(CMOCKA_LIBS) $(LIBS)

build-asan/tests/%: tests/%.c $(TEST_LIB) $(ASAN_LIB) tests/testutil.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -Isrc -o $@ $< $(TEST_LIB) $(ASAN_LIB) $(CMOCKA_LIBS) $(LIBS)

# The resampler figures of make bench (speed and difference to `best` per quality).
build/rs-bench: bench/rs_bench.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(LIBS)

# The two README commands: each installs what is missing first, then builds.
demo: deps
	@$(MAKE) --no-print-directory sprecher
	@scripts/demo.sh

test: deps
	@$(MAKE) --no-print-directory -j2 check

check: sprecher build-asan/sprecher $(TESTS) $(ASAN_TESTS)
	@scripts/run-tests.sh

# every target for FUZZ_SECONDS each (default 60), keeping and growing the corpus
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_KEEP=1 scripts/fuzz.sh $(FUZZ_SECONDS)

# the pkg-config names of the libraries, for scripts/fuzz.sh (one list to edit)
print-pkgs:
	@echo $(PKGS)

bench: deps
	@$(MAKE) --no-print-directory sprecher
	@scripts/bench.sh

install: sprecher
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/voices
	install -m 755 sprecher $(DESTDIR)$(BINDIR)/sprecher
	install -m 644 voices/* $(DESTDIR)$(DATADIR)/voices/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 doc/sprecher.1 $(DESTDIR)$(MANDIR)/man1/sprecher.1
	install -m 644 completions/sprecher.bash $(DESTDIR)$(BASHCOMPDIR)/sprecher
	install -m 644 completions/_sprecher $(DESTDIR)$(ZSHCOMPDIR)/_sprecher

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sprecher
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/sprecher.1 $(DESTDIR)$(BASHCOMPDIR)/sprecher $(DESTDIR)$(ZSHCOMPDIR)/_sprecher

clean:
	rm -rf build build-asan sprecher

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d)
