# SPDX-License-Identifier: GPL-2.0
#
# Included by the top Makefile: what `make install` puts in place besides
# the binaries and the module. Every directory honours DESTDIR and can be
# overridden on the command line.

SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Ask systemd where its files go (bookworm: /lib/systemd/system for units).
systemd_dir = $(or $(shell $(PKG_CONFIG) --variable=$(1) systemd 2>/dev/null),$(2))
UNITDIR ?= $(call systemd_dir,systemdsystemunitdir,/lib/systemd/system)
SYSUSERSDIR ?= $(call systemd_dir,sysusersdir,/usr/lib/sysusers.d)
TMPFILESDIR ?= $(call systemd_dir,tmpfilesdir,/usr/lib/tmpfiles.d)
MODULESLOADDIR ?= $(call systemd_dir,modulesloaddir,/usr/lib/modules-load.d)
STATEDIR ?= /var/lib/knts

MAN_PAGES := docs/man/ntskd.8 docs/man/ntskd.conf.5 docs/man/ntsctl.8

.PHONY: install-data
install: install-data

install-data:
	@# The unit names the paths this install uses.
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/sbin/ntskd|$(SBINDIR)/ntskd|' -e 's|/etc/knts/|$(SYSCONFDIR)/knts/|' \
		packaging/systemd/ntskd.service > $(DESTDIR)$(UNITDIR)/ntskd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ntskd.service
	install -D -m 0644 packaging/knts.conf $(DESTDIR)$(MODULESLOADDIR)/knts.conf
	install -D -m 0644 packaging/sysusers.d/knts.conf $(DESTDIR)$(SYSUSERSDIR)/knts.conf
	install -D -m 0644 packaging/tmpfiles.d/knts.conf $(DESTDIR)$(TMPFILESDIR)/knts.conf
	install -D -m 0644 packaging/bash-completion/ntsctl $(DESTDIR)$(BASHCOMPDIR)/ntsctl
	$(foreach m,$(MAN_PAGES),install -D -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m));)
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/knts
	install -d -m 0700 $(DESTDIR)$(STATEDIR)
	@# An edited configuration is never overwritten.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/knts/ntskd.conf ]; then \
		echo "knts: keeping $(DESTDIR)$(SYSCONFDIR)/knts/ntskd.conf; the example is packaging/ntskd.conf"; \
	else \
		install -m 0644 packaging/ntskd.conf $(DESTDIR)$(SYSCONFDIR)/knts/ntskd.conf; \
	fi
	@# On the real root, create the _ntskd user and the directories now.
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
		systemd-sysusers $(SYSUSERSDIR)/knts.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/knts.conf; \
	fi
