/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Least privilege for the process that parses TLS from the internet. Once
 * ntskd has opened what needs privilege (listeners, certificate, key,
 * keyfile, control socket), it keeps only CAP_NET_ADMIN (every knts
 * netlink operation needs it; nothing else does):
 *  - started as root with `user NAME`: switch to that user and its group
 *    (no supplementary groups), CAP_NET_ADMIN kept across the switch;
 *  - started as root without it: stay uid 0 (warned about) but with
 *    CAP_NET_ADMIN alone;
 *  - started as another user (the systemd unit: _ntskd with ambient
 *    CAP_NET_ADMIN): drop whatever else it was given.
 * The bounding and ambient sets are emptied of everything else, and
 * no_new_privs is set, so nothing gets the rest back.
 *
 * Then a seccomp filter refuses (EPERM) what an attacker inside ntskd
 * would want and ntskd never does: running programs, changing user or
 * capabilities, ptrace and process_vm_*, mounts and namespaces, modules,
 * kexec, bpf, perf, keyrings, userfaultfd. A system call of another ABI
 * (x32, i386 on x86_64) kills the process. It is a deny list: ntskd's
 * name lookups (glibc NSS) and OpenSSL need a set of calls that varies
 * by system, and an allow list that misses one would take the time
 * service down; the unit's SystemCallFilter= narrows it further.
 */
#ifndef NTSKD_PRIVDROP_H
#define NTSKD_PRIVDROP_H

/*
 * Drop to @user (NULL or "": no user switch) keeping CAP_NET_ADMIN, then
 * install the seccomp filter. 0, or -1 (logged): ntskd must not run on.
 */
int ntskd_drop_privileges(const char *user);

/* The seccomp filter alone (also for tests). 0 or -1 with errno. */
int ntskd_seccomp_install(void);

#endif /* NTSKD_PRIVDROP_H */
