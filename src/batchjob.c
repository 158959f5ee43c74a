/*
 * batchjob.c - the plan of a batch render (batchjob.h).
 */
#include "batchjob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void batchjob_init(struct batchjob *b)
{
	batch_list_init(&b->in);
	batch_list_init(&b->out);
	for (int k = 0; k < BATCHJOB_NSIDE; k++)
		batch_list_init(&b->side[k]);
}

void batchjob_release(struct batchjob *b)
{
	batch_list_release(&b->in);
	batch_list_release(&b->out);
	for (int k = 0; k < BATCHJOB_NSIDE; k++)
		batch_list_release(&b->side[k]);
}

int batchjob_inputs(struct batchjob *b, char **articles, int n, const char *from, const char *dir,
		    const char *ext, const char *shard, struct err *e)
{
	struct batch_list all, outs;
	int k = 1, nshards = 1, rc = -1;

	batch_list_init(&all);
	batch_list_init(&outs);
	for (int i = 0; i < n; i++)
		batch_list_add(&all, articles[i]);
	if (from && batch_read_manifest(&all, from, e))
		goto out;
	for (size_t i = 0; i < all.n; i++) {
		char path[4096];
		path_default_output(all.v[i], dir, ext, path, sizeof(path));
		batch_list_add(&outs, path);
	}
	/* the whole batch, before the shard: every shard refuses the same batch */
	if (batch_check_unique(all.v, outs.v, all.n, e))
		goto out;
	if (shard)
		batch_shard_parse(shard, &k, &nshards);
	for (size_t i = 0; i < all.n; i++) {
		const char *base = strrchr(outs.v[i], '/');
		if (nshards > 1 && !batch_in_shard(base ? base + 1 : outs.v[i], k, nshards))
			continue;
		batch_list_add(&b->in, all.v[i]);
		batch_list_add(&b->out, outs.v[i]);
	}
	rc = 0;
out:
	batch_list_release(&all);
	batch_list_release(&outs);
	return rc;
}

int batchjob_sidecars(struct batchjob *b, const char *const sfx[BATCHJOB_NSIDE], const char *ext,
		      struct err *e)
{
	static const char *names[BATCHJOB_NSIDE] = { "--captions", "--timeline", "--labels", "--chapters" };
	char aud[64];

	snprintf(aud, sizeof(aud), ".%s", ext);
	for (int k = 0; k < BATCHJOB_NSIDE; k++) {
		if (!sfx[k])
			continue;
		if (sfx[k][0] != '.' || strchr(sfx[k], '/') || !strcmp(sfx[k], aud))
			return err_set(e, "in a batch, each sidecar option takes a suffix such as .vtt "
				       "(NAME.vtt next to each episode): %s", names[k]);
		for (int j = 0; j < k; j++)
			if (sfx[j] && !strcmp(sfx[j], sfx[k]))
				return err_set(e, "two sidecar options with the same suffix: %s", sfx[k]);
		for (size_t i = 0; i < b->out.n; i++) {
			const char *o = b->out.v[i];
			char path[4096];
			snprintf(path, sizeof(path), "%.*s%s", (int)(strlen(o) - strlen(aud)), o, sfx[k]);
			batch_list_add(&b->side[k], path);
		}
	}
	return 0;
}

double *batchjob_weights(const struct batchjob *b)
{
	double *weights = xcalloc(b->in.n + 1, sizeof(*weights));
	struct stat st;

	for (size_t i = 0; i < b->in.n; i++)
		weights[i] = stat(b->in.v[i], &st) == 0 ? (double)st.st_size + 1 : 1;
	return weights;
}
