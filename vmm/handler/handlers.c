/* SPDX-License-Identifier: GPL-2.0-only */
/* The --smccc-handler processes of one hvmm (see handlers.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "vmm/log.h"

/* How much of a command and of a bad answer an error message quotes. */
#define COMMAND_QUOTE 32
#define ANSWER_QUOTE  60

/* "--smccc-handler 0xc3000000-0xc300000f ('./handler.sh')": a handler as
 * the user gave it, the command cut short if long. */
static void handler_name(const struct handler_spec *sp, char *buf, size_t len)
{
	size_t n = strlen(sp->command);
	bool cut = n > COMMAND_QUOTE;

	snprintf(buf, len, "--smccc-handler 0x%08x-0x%08x ('%.*s%s')", sp->base, handler_spec_last(sp),
		 (int)(cut ? COMMAND_QUOTE - 3 : n), sp->command, cut ? "..." : "");
}

int handler_set_start(struct handler_set *s, const struct handler_spec *specs, unsigned int nr,
		      char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (nr > HANDLER_MAX)
		return reason_set(-EINVAL, err, errlen, "--smccc-handler: at most %d handlers", HANDLER_MAX);
	for (unsigned int i = 0; i < nr; i++) {
		char why[160], name[96];
		int ret = handler_proc_start(&s->proc[i], specs[i].command, why, sizeof(why));

		if (ret) {
			handler_set_stop(s);
			handler_name(&specs[i], name, sizeof(name));
			return reason_set(ret, err, errlen, "%s: %s", name, why);
		}
		s->spec[i] = specs[i];
		s->range[i] = (struct fw_user_range){ specs[i].base, specs[i].count };
		s->nr = i + 1;
	}
	return 0;
}

void handler_set_timeout(struct handler_set *s, unsigned int ms)
{
	for (unsigned int i = 0; i < s->nr; i++)
		s->proc[i].timeout_ms = ms;
}

/* Handler i failed with reason err: it answers nothing more. The first to
 * tell gets -EPIPE (err kept), later ones 0. */
static int handler_failed(struct handler_set *s, unsigned int i, const char *err)
{
	handler_proc_fail(&s->proc[i], err);
	return atomic_exchange(&s->reported[i], true) ? 0 : -EPIPE;
}

void handler_set_stop(struct handler_set *s)
{
	handler_proc_stop_all(s->proc, s->nr, HANDLER_STOP_GRACE_MS);
	s->nr = 0;
}

/* The request for c: who called, how, and x1..x7. */
static int make_request(struct smccc_call *c, struct handler_request *req, char *err, size_t errlen)
{
	*req = (struct handler_request){ .vcpu = c->vcpu, .conduit = c->conduit, .fid = c->fid };
	for (unsigned int r = 1; r <= HANDLER_NR_ARGS; r++) {
		int ret = smccc_arg(c, r, &req->x[r - 1]);

		if (ret)
			return reason_set(ret, err, errlen, "vCPU %u: reading x%u for call 0x%08x failed: %s",
					  c->vcpu, r, c->fid, strerror(-ret));
	}
	return 0;
}

int handler_set_ask(struct handler_set *s, unsigned int i, struct smccc_call *c, const atomic_bool *stop,
		    char *err, size_t errlen)
{
	struct handler_request req;
	struct handler_answer ans;
	char out[HANDLER_REQUEST_MAX], line[HANDLER_LINE_MAX], why[224], name[96];
	size_t line_len;
	int n, ret;

	if (i >= s->nr)
		return reason_set(-EINVAL, err, errlen, "no --smccc-handler number %u", i + 1);
	ret = make_request(c, &req, err, errlen);
	if (ret)
		return -EIO;
	smccc_reply_not_supported(c);   /* unless an answer comes */
	n = handler_format_request(&req, out, sizeof(out));
	if (n < 0)
		return reason_set(-EINVAL, err, errlen, "a request line too long");
	ret = handler_proc_exchange(&s->proc[i], out, (size_t)n, line, sizeof(line), &line_len, stop,
				    why, sizeof(why));
	if (ret == -EINTR) {
		c->nr_ret = 0;   /* the VM stops: nothing goes back */
		return ret;
	}
	if (!ret && !handler_parse_answer(line, line_len, &ans, why, sizeof(why))) {
		if (ans.unsupported)
			smccc_reply_not_supported(c);
		else
			smccc_reply_regs(c, ans.regs, ans.nr);
		return 0;
	}
	handler_name(&s->spec[i], name, sizeof(name));
	if (!ret)
		reason_set(-EPROTO, err, errlen, "%s: bad answer '%.*s' (%s) to vCPU %u's %s call 0x%08x",
			   name, (int)(line_len < ANSWER_QUOTE ? line_len : ANSWER_QUOTE), line, why,
			   c->vcpu, smccc_conduit_name(c->conduit), c->fid);
	else
		reason_set(ret, err, errlen, "%s %s (vCPU %u's %s call 0x%08x was waiting)", name, why, c->vcpu,
			   smccc_conduit_name(c->conduit), c->fid);
	ret = handler_failed(s, i, err);
	if (!ret && errlen)
		err[0] = '\0';
	return ret;
}

unsigned int handler_set_pollfds(const struct handler_set *s, struct pollfd *fds)
{
	for (unsigned int i = 0; i < s->nr; i++)
		fds[i] = (struct pollfd){ .fd = atomic_load(&s->reported[i]) ? -1 : s->proc[i].out_fd, .events = 0 };
	return s->nr;
}

int handler_set_check_hangup(struct handler_set *s, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < s->nr; i++) {
		char how[96], name[96];

		if (atomic_load(&s->reported[i]) || !handler_proc_hung_up(&s->proc[i]))
			continue;
		handler_proc_describe_end(&s->proc[i], HANDLER_END_WAIT_MS, "closed its output", how, sizeof(how));
		handler_name(&s->spec[i], name, sizeof(name));
		reason_set(-EPIPE, err, errlen, "%s %s while the guest ran", name, how);
		if (handler_failed(s, i, err))
			return -EPIPE;
	}
	return 0;
}

unsigned int handler_set_read_fds(const struct handler_set *s, int *fds)
{
	for (unsigned int i = 0; i < s->nr; i++)
		fds[i] = s->proc[i].out_fd;
	return s->nr;
}

unsigned int handler_set_write_fds(const struct handler_set *s, int *fds)
{
	for (unsigned int i = 0; i < s->nr; i++)
		fds[i] = s->proc[i].in_fd;
	return s->nr;
}

unsigned int handler_set_pids(const struct handler_set *s, pid_t *pids)
{
	for (unsigned int i = 0; i < s->nr; i++)
		pids[i] = s->proc[i].pid;
	return s->nr;
}
