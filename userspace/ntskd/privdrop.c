// SPDX-License-Identifier: GPL-2.0
/* Keep only CAP_NET_ADMIN, switch user, seccomp (see privdrop.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "log.h"
#include "privdrop.h"

#if defined(__x86_64__)
#define PD_ARCH		AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PD_ARCH		AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define PD_ARCH		AUDIT_ARCH_ARM
#elif defined(__i386__)
#define PD_ARCH		AUDIT_ARCH_I386
#endif

/* capset(2) without libcap: effective and permitted = CAP_NET_ADMIN only */
static int pd_caps_net_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[CAP_NET_ADMIN / 32].effective = 1u << (CAP_NET_ADMIN % 32);
	d[CAP_NET_ADMIN / 32].permitted = 1u << (CAP_NET_ADMIN % 32);
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * Already down to CAP_NET_ADMIN (the systemd unit's ambient set)? Then no
 * capset(): the unit's SystemCallFilter= (~@privileged) refuses it.
 */
static bool pd_caps_already_minimal(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	const uint32_t na = 1u << (CAP_NET_ADMIN % 32);
	unsigned int i;

	if (syscall(SYS_capget, &h, d))
		return false;
	for (i = 0; i < 2; i++) {
		uint32_t want = i == CAP_NET_ADMIN / 32 ? na : 0;

		/*
		 * systemd puts an ambient capability in the inheritable set
		 * too; with exec refused and no_new_privs it gives nothing.
		 */
		if (d[i].effective != want || d[i].permitted != want ||
		    (d[i].inheritable & ~want))
			return false;
	}
	return true;
}

/* Empty the bounding set but for CAP_NET_ADMIN (needs CAP_SETPCAP). */
static void pd_drop_bounding(void)
{
	int cap;

	for (cap = 0; cap <= 63; cap++) {
		if (cap == CAP_NET_ADMIN)
			continue;
		/* EINVAL: no such capability on this kernel, the end */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
	}
}

static int pd_switch_user(const char *user)
{
	const struct passwd *pw = getpwnam(user);
	uid_t u;
	gid_t g;

	if (!pw) {
		log_err("user %s: no such user", user);
		return -1;
	}
	u = pw->pw_uid;
	g = pw->pw_gid;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(g, g, g) || setresuid(u, u, u)) {
		log_err("cannot switch to user %s: %s", user, strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* a way back to root would make the switch worthless */
	if (u && (!setuid(0) || !seteuid(0))) {
		log_err("switched to user %s but could become root again", user);
		return -1;
	}
	return 0;
}

#define PD_DENY(nr)							\
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),		\
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

int ntskd_seccomp_install(void)
{
#ifdef PD_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PD_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		/* x32 system calls share the arch: refuse them outright */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		PD_DENY(__NR_iopl),
		PD_DENY(__NR_ioperm),
#endif
		PD_DENY(__NR_execve),
		PD_DENY(__NR_execveat),
		PD_DENY(__NR_ptrace),
		PD_DENY(__NR_process_vm_readv),
		PD_DENY(__NR_process_vm_writev),
		PD_DENY(__NR_setuid),
		PD_DENY(__NR_setgid),
		PD_DENY(__NR_setreuid),
		PD_DENY(__NR_setregid),
		PD_DENY(__NR_setresuid),
		PD_DENY(__NR_setresgid),
		PD_DENY(__NR_setgroups),
		PD_DENY(__NR_setfsuid),
		PD_DENY(__NR_setfsgid),
		PD_DENY(__NR_capset),
		PD_DENY(__NR_mount),
		PD_DENY(__NR_umount2),
		PD_DENY(__NR_pivot_root),
		PD_DENY(__NR_chroot),
		PD_DENY(__NR_unshare),
		PD_DENY(__NR_setns),
		PD_DENY(__NR_init_module),
		PD_DENY(__NR_finit_module),
		PD_DENY(__NR_delete_module),
		PD_DENY(__NR_kexec_load),
#ifdef __NR_kexec_file_load
		PD_DENY(__NR_kexec_file_load),
#endif
		PD_DENY(__NR_bpf),
		PD_DENY(__NR_perf_event_open),
		PD_DENY(__NR_keyctl),
		PD_DENY(__NR_add_key),
		PD_DENY(__NR_request_key),
		PD_DENY(__NR_userfaultfd),
		PD_DENY(__NR_personality),
		PD_DENY(__NR_reboot),
		PD_DENY(__NR_swapon),
		PD_DENY(__NR_swapoff),
		PD_DENY(__NR_acct),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	/* every thread, resolver helpers included */
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_TSYNC, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int ntskd_drop_privileges(const char *user)
{
	bool root = geteuid() == 0;

	if (root) {
		pd_drop_bounding();
		if (user && user[0] && pd_switch_user(user))
			return -1;
		if (!user || !user[0])
			log_warn("running as root (only CAP_NET_ADMIN kept): set 'user _ntskd' in the configuration to run as an unprivileged user");
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* without CAP_NET_ADMIN nothing works: keep it or fail here */
	if (!pd_caps_already_minimal() && pd_caps_net_admin()) {
		log_err("cannot keep CAP_NET_ADMIN alone: %s (ntskd needs it for knts)",
			strerror(errno));
		return -1;
	}
	if (ntskd_seccomp_install()) {
		/*
		 * EPERM here comes from a filter already in place: a service
		 * manager's (SystemCallFilter=) that does not allow seccomp()
		 * itself. That one stays; it is the unit's to be strict.
		 */
		if (!root && errno == EPERM &&
		    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1) {
			log_info("seccomp(): refused by the filter already in place (systemd's SystemCallFilter=); keeping that one");
		} else {
			log_err("cannot install the seccomp filter: %s",
				strerror(errno));
			return -1;
		}
	}
	log_info("privileges dropped: uid %u, gid %u, CAP_NET_ADMIN only, seccomp filter on",
		 (unsigned int)getuid(), (unsigned int)getgid());
	return 0;
}
