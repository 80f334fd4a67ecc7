# SPDX-License-Identifier: GPL-2.0
"""The server side of make bench, one configuration at a time, in two
namespaces of the VM joined by a veth pair.

Configurations (the daemon is chronyd or NTPsec's ntpd where it matters):
  A  the daemon, plain NTP, knts not loaded
  B  chronyd's own NTS server
  C  NTPsec's own NTS server
  D  the daemon, plain, behind knts (server role, policy nts-only)
  E  as D with the no-crypto benchmark module (build/bench/kmod/knts.ko)
  M  as D with policy mixed (plain NTP passes the hooks; timing only)
  L  as D with the lib-only benchmark module (build/bench/kmod-lib/knts.ko:
     AES-SIV in plain C, no FPU sections; make bench-profile only)

Layout: server netns kb0 10.78.0.1, CPU1 (the daemon and, by RPS, its
receive softirq); generator netns kb1 10.78.0.2, CPU0 (ntsload or a chrony
client, and their softirq), plus 10.78.0.3 for the chrony NTS-KE server
(ntsrotate 0) that hands out the cookies for D and E: it sits on the
generator side so that the server CPU carries the NTP path only. NTS-KE is
never measured (ntsload --pause): B and C answer it themselves, before
the counters are read.

Everything after setup runs from Python without shell helpers: under TCG
on a shared host each process start costs a noticeable fraction of a
second, and a benchmark round starts and stops eight servers.
"""
import os
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.abspath(os.path.join(HERE, '..', '..'))
SRV, CLI = 'knts-bsrv', 'knts-bcli'
SRV_IP, CLI_IP, KE_IP = '10.78.0.1', '10.78.0.2', '10.78.0.3'
SRV_CPU, CLI_CPU = 1, 0
NTSCTL = os.path.join(PROJECT, 'build', 'ntsctl')
KO = {'prod': os.path.join(PROJECT, 'kmod', 'knts.ko'),
      'nocrypto': os.path.join(PROJECT, 'build', 'bench', 'kmod', 'knts.ko'),
      'lib': os.path.join(PROJECT, 'build', 'bench', 'kmod-lib', 'knts.ko')}
NTPSEC_ROOT = os.path.join(PROJECT, '.deps', 'ntpsec', 'root')
NTPD = os.path.join(NTPSEC_ROOT, 'usr', 'sbin', 'ntpd')
NTPSEC_LIBS = os.path.join(NTPSEC_ROOT, 'usr', 'lib', 'x86_64-linux-gnu', 'ntp')


class LabError(RuntimeError):
    pass


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode:
        raise LabError('%s: %s' % (' '.join(cmd), (r.stderr or r.stdout).strip()))
    return r.stdout


def wait_for(what, seconds, fn):
    end = time.monotonic() + seconds
    while not fn():
        if time.monotonic() > end:
            raise LabError('timed out waiting for ' + what)
        time.sleep(0.05)


def listening(pid, proto, port):
    """Has the namespace of pid a socket bound to port (TCP: listening)?"""
    want = ':%04X' % port
    try:
        with open('/proc/%d/net/%s' % (pid, proto)) as f:
            next(f)
            for line in f:
                t = line.split()
                if t[1].endswith(want) and (proto == 'udp' or t[3] == '0A'):
                    return True
    except (OSError, StopIteration):
        pass
    return False


class Daemon:
    """One server process in a namespace, pinned, in the foreground"""

    def __init__(self, name, cmd, ns, cpu, logdir, env=None):
        self.name = name
        full = ['ip', 'netns', 'exec', ns, 'taskset', '-c', str(cpu),
                'capsh', '--drop=cap_sys_time', '--', '-c',
                'exec ' + ' '.join("'%s'" % c for c in cmd)]
        self.out = open(os.path.join(logdir, name + '.out'), 'w')
        self.p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=self.out,
                                  stderr=subprocess.STDOUT,
                                  env=dict(os.environ, **(env or {})))
        self.pid = self.p.pid
        comm = os.path.basename(cmd[0])[:15]

        def execed():
            if self.p.poll() is not None:
                raise LabError('%s exited at start (%s)' % (name, self.out.name))
            try:
                with open('/proc/%d/comm' % self.pid) as f:
                    return f.read().strip() == comm
            except OSError:
                return False
        wait_for(name + ' to start', 30, execed)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.out.close()


class Lab:
    def __init__(self, root):
        self.root = root
        self.module = None
        self.srv = None
        self.ke = None
        self.client_d = None

    def path(self, *p):
        return os.path.join(self.root, *p)

    # --- one-time -----------------------------------------------------------
    def setup(self):
        os.makedirs(self.root, mode=0o700, exist_ok=True)
        sh('modprobe', '-q', 'veth')
        for m in ('cmac', 'ctr'):
            sh('modprobe', '-q', m, check=False)
        if self.loaded():
            sh('rmmod', 'knts')
        for ns in (SRV, CLI):
            sh('ip', 'netns', 'del', ns, check=False)
            sh('ip', 'netns', 'add', ns)
            sh('ip', '-n', ns, 'link', 'set', 'lo', 'up')
        sh('ip', 'link', 'add', 'kb0', 'netns', SRV, 'type', 'veth', 'peer',
           'name', 'kb1', 'netns', CLI)
        sh('ip', '-n', SRV, 'addr', 'add', SRV_IP + '/24', 'dev', 'kb0')
        sh('ip', '-n', CLI, 'addr', 'add', CLI_IP + '/24', 'dev', 'kb1')
        sh('ip', '-n', CLI, 'addr', 'add', KE_IP + '/24', 'dev', 'kb1')
        sh('ip', '-n', SRV, 'link', 'set', 'kb0', 'up')
        sh('ip', '-n', CLI, 'link', 'set', 'kb1', 'up')
        # veth delivers on the sending CPU unless RPS steers it: the
        # server's receive softirq runs on the server CPU, the generator's
        # on its own
        sh('ip', 'netns', 'exec', SRV, 'sh', '-c', 'echo %x > /sys/class/net/kb0/queues/rx-0/rps_cpus' % (1 << SRV_CPU))
        sh('ip', 'netns', 'exec', CLI, 'sh', '-c', 'echo %x > /sys/class/net/kb1/queues/rx-0/rps_cpus' % (1 << CLI_CPU))
        # PKI with IP SANs for every server address, a chrony key file
        sh('bash', '-c', '. "$2/lib.sh" && . "$2/nts_lab.sh" && LAB="$1" && '
           'make_pki knts-bench %s %s && make_nks0 "$1/ntskeys"' % (SRV_IP, KE_IP),
           'lab', self.root, os.path.join(PROJECT, 'tests', 'selftests'))
        with open(self.path('pki', 'chain.crt'), 'w') as f:
            for c in ('server.crt', 'ca.crt'):
                with open(self.path('pki', c)) as g:
                    f.write(g.read())
        # chrony as the NTS-KE half for D and E: the shared keys, no
        # rotation, clients sent to the protected daemon for NTP
        dump = self.path('ke-dump')
        os.makedirs(dump, mode=0o700, exist_ok=True)
        with open(self.path('ntskeys')) as f, open(os.path.join(dump, 'ntskeys'), 'w') as g:
            g.write(f.read())
        os.chmod(os.path.join(dump, 'ntskeys'), 0o600)
        self.ke = self.chronyd('ke', CLI, CLI_CPU, [
            'bindaddress ' + KE_IP, 'port 123', 'ntsport 4460',
            'ntsservercert ' + self.path('pki', 'server.crt'),
            'ntsserverkey ' + self.path('pki', 'server.key'), 'ntsrotate 0',
            'ntsdumpdir ' + dump, 'ntsntpserver ' + SRV_IP,
            'ntsprocesses 0', 'allow'])
        wait_for('the NTS-KE server', 30, lambda: listening(self.ke.pid, 'tcp', 4460))

    def teardown(self):
        self.client_stop()
        self.stop()
        if self.ke:
            self.ke.stop()
            self.ke = None
        self.use_module(None)
        for ns in (SRV, CLI):
            sh('ip', 'netns', 'del', ns, check=False)

    # --- daemons --------------------------------------------------------------
    def chronyd(self, name, ns, cpu, lines):
        d = self.path(name)
        os.makedirs(d, mode=0o700, exist_ok=True)
        conf = os.path.join(d, 'chrony.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join(['pidfile ' + os.path.join(d, 'pid'),
                               'bindcmdaddress ' + os.path.join(d, 'chronyd.sock'),
                               'cmdport 0', 'driftfile ' + os.path.join(d, 'drift'),
                               *lines]) + '\n')
        return Daemon(name, ['chronyd', '-n', '-x', '-u', 'root', '-f', conf,
                             '-l', os.path.join(d, 'chronyd.log')], ns, cpu, d)

    def ntpd(self, name, lines):
        d = self.path(name)
        os.makedirs(d, mode=0o700, exist_ok=True)
        conf = os.path.join(d, 'ntp.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join([
                'logfile ' + os.path.join(d, 'ntpd.log'),
                # the built-in default restriction rate-limits each client
                # address (limited); a load generator is one address
                'unrestrict default limited',
                'tos orphan 10 orphanwait 1', 'disable ntp', *lines]) + '\n')
        if not os.access(NTPD, os.X_OK):
            raise LabError('no NTPsec in %s (make deps)' % NTPSEC_ROOT)
        return Daemon(name, [NTPD, '-n', '-c', conf, '-p', os.path.join(d, 'pid')],
                      SRV, SRV_CPU, d, env={'LD_LIBRARY_PATH': NTPSEC_LIBS})

    def plain(self, daemon):
        if daemon == 'ntpsec':
            return self.ntpd('srv', [])
        return self.chronyd('srv', SRV, SRV_CPU, [
            'bindaddress ' + SRV_IP, 'port 123', 'allow', 'local stratum 10'])

    # --- knts -------------------------------------------------------------------
    @staticmethod
    def loaded():
        with open('/proc/modules') as f:
            return any(line.startswith('knts ') for line in f)

    def use_module(self, which):
        if self.module == which and (which is None) != self.loaded():
            return
        if self.loaded():
            sh('rmmod', 'knts')
        self.module = None
        if which:
            if not os.path.exists(KO[which]):
                raise LabError('no %s (make bench-module)' % KO[which])
            sh('insmod', KO[which])
            self.module = which

    def ntsctl(self, *args):
        return sh('ip', 'netns', 'exec', SRV, NTSCTL, *args)

    # --- configurations -------------------------------------------------------
    def start(self, cfg, daemon='chrony'):
        """Start one configuration; returns the server daemon's PID"""
        if cfg in ('A', 'B', 'C'):
            self.use_module(None)
        if cfg == 'A':
            self.srv = self.plain(daemon)
        elif cfg == 'B':
            dump = self.path('b-dump')
            os.makedirs(dump, mode=0o700, exist_ok=True)
            self.srv = self.chronyd('srv', SRV, SRV_CPU, [
                'bindaddress ' + SRV_IP, 'port 123', 'ntsport 4460',
                'ntsservercert ' + self.path('pki', 'server.crt'),
                'ntsserverkey ' + self.path('pki', 'server.key'),
                'ntsdumpdir ' + dump, 'ntsprocesses 0', 'allow',
                'local stratum 10'])
        elif cfg == 'C':
            self.srv = self.ntpd('srv', [
                'nts enable', 'nts cert ' + self.path('pki', 'chain.crt'),
                'nts key ' + self.path('pki', 'server.key'),
                'nts cookie ' + self.path('ntpsec-nts-keys')])
        elif cfg in ('D', 'E', 'M', 'L'):
            self.use_module({'E': 'nocrypto', 'L': 'lib'}.get(cfg, 'prod'))
            self.ntsctl('server', 'enable', 'port', '123', 'policy',
                        'mixed' if cfg == 'M' else 'nts-only')
            self.ntsctl('load-keys', self.path('ntskeys'))
            self.srv = self.plain(daemon)
        else:
            raise LabError('unknown configuration ' + cfg)
        pid = self.srv.pid
        wait_for('UDP 123', 30, lambda: listening(pid, 'udp', 123))
        if cfg in ('B', 'C'):
            wait_for('NTS-KE on 4460', 30, lambda: listening(pid, 'tcp', 4460))
        return pid

    def stop(self):
        if self.srv:
            self.srv.stop()
            self.srv = None
        if self.loaded():
            sh('ip', 'netns', 'exec', SRV, NTSCTL, 'server', 'disable', check=False)

    # --- timing client ----------------------------------------------------------
    def client(self, mode, poll):
        """A chrony client on the generator side logging its measurements:
        mode plain, nts (through knts) or nts-own (chronyd's own NTS)"""
        d = self.path('client')
        sh('rm', '-rf', d)
        if mode == 'plain':
            src = ['server %s minpoll %d maxpoll %d iburst' % (SRV_IP, poll, poll)]
        else:
            # nts: NTS-KE on the generator side, NTP through knts;
            # nts-own: NTS-KE and NTS by the server (configuration B)
            src = ['server %s nts minpoll %d maxpoll %d iburst' % (
                KE_IP if mode == 'nts' else SRV_IP, poll, poll),
                'ntstrustedcerts ' + self.path('pki', 'ca.crt')]
        os.makedirs(d, mode=0o700)
        self.client_d = self.chronyd('client', CLI, CLI_CPU, [
            'port 0', 'logdir ' + d, 'log measurements', *src])
        return os.path.join(d, 'measurements.log')

    def client_stop(self):
        if self.client_d:
            self.client_d.stop()
            self.client_d = None
