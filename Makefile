# Ferry — build, test, demo, install.
SWIFT   ?= swift
PREFIX  ?= /usr/local
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN     := .build/debug/ferry
RELEASE := .build/release/ferry

.PHONY: all api-docs build build-deps release symbol-order test deps demo docs bench fuzz capture-listings install clean

all: build

# What building needs (libedit) and what the tests need (vsftpd, pyftpdlib; nftables and iproute2 for the NAT and
# firewall lab in network namespaces), installed when missing; proftpd and
# pure-ftpd, which conflict with vsftpd as packages, unpacked under .build/ftp-servers (scripts/unpack-servers.sh).
# No daemon is started or enabled: scripts/install-packages.sh keeps vsftpd's package from starting it.
deps:
	@missing=""; \
	[ -f /usr/include/histedit.h ] || missing="$$missing libedit-dev"; \
	[ -f /usr/include/openssl/evp.h ] || missing="$$missing libssl-dev"; \
	[ -x /usr/sbin/vsftpd ] || missing="$$missing vsftpd"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	command -v strace >/dev/null 2>&1 || missing="$$missing strace"; \
	command -v nft >/dev/null 2>&1 || missing="$$missing nftables"; \
	command -v ip >/dev/null 2>&1 || missing="$$missing iproute2"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) ./scripts/install-packages.sh $$missing; \
	fi
	@python3 -c "import pyftpdlib" 2>/dev/null || { echo "Installing: pyftpdlib"; python3 -m pip install -q pyftpdlib; }
	@$(SUDO) ./scripts/unpack-servers.sh

build-deps:
	@[ -f /usr/include/histedit.h ] && [ -f /usr/include/openssl/evp.h ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libedit-dev libssl-dev >/dev/null; }

build: build-deps
	$(SWIFT) build

# The release link: with lld (shipped with the Swift toolchain), the functions a session runs placed side by side
# (scripts/ferry.symbol-order, from `make symbol-order`) and unused sections dropped; with glibc 2.36 or later also
# the relative relocations packed (DT_RELR; the binary then needs glibc 2.36 where it runs, as it is built there).
# The kernel maps an executable 64 KiB around each page first touched: scattered, the hot code cost 4.2 MiB
# resident; packed, 2.6 MiB (the rest is the standard library's own undivided text). Else the default link.
SWIFT_BIN  := $(shell dirname "$$(readlink -f "$$(command -v $(SWIFT))")" 2>/dev/null)
HAS_LLD    := $(shell [ -x "$(SWIFT_BIN)/ld.lld" ] && echo yes)
HAS_RELR   := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | awk '{split($$2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] >= 36)) print "yes"}')
# libstdc++, the Swift runtime's one C++ library, is linked in from its archive when there is one: the shared
# library cost 0.7 MiB resident and half a millisecond of start-up for the few functions the runtime calls. The
# runtime names it with -lstdc++, so a folder holding only the archive goes first on the search path.
STATIC_CXX := $(shell p=$$("$(SWIFT_BIN)/clang" -print-file-name=libstdc++.a 2>/dev/null); [ "$$p" != libstdc++.a ] && [ -f "$$p" ] && echo "$$p")
CXX_DIR    := $(CURDIR)/.build/static-cxx
RELEASE_LINK := $(if $(HAS_LLD),-Xswiftc -use-ld=lld -Xlinker --gc-sections \
	-Xlinker "--symbol-ordering-file=$(CURDIR)/scripts/ferry.symbol-order" -Xlinker --no-warn-symbol-ordering \
	$(if $(HAS_RELR),-Xlinker -z -Xlinker pack-relative-relocs) \
	$(if $(STATIC_CXX),-Xlinker "-L$(CXX_DIR)"))

release: build-deps
	$(if $(and $(HAS_LLD),$(STATIC_CXX)),mkdir -p "$(CXX_DIR)" && ln -sf "$(STATIC_CXX)" "$(CXX_DIR)/libstdc++.a")
	$(SWIFT) build -c release --static-swift-stdlib $(RELEASE_LINK)

# Records which functions a batch session runs (valgrind, pyftpdlib on 127.0.0.1) into scripts/ferry.symbol-order.
symbol-order: deps release
	./scripts/symbol-order.sh $(RELEASE)

# The vsftpd tests create a local account and a PAM file; scripts/test-cleanup.sh removes them after the tests,
# pass or fail (Ctrl-C included). The target's status is swift test's.
test: deps
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory api-docs
	@echo "$(SWIFT) test"; status=0; trap 'status=130' INT TERM; \
		$(SWIFT) test || status=$$?; \
		$(SUDO) ./scripts/test-cleanup.sh; \
		exit $$status

# FerryClient's API documentation (DocC): the public symbols' graph, then docc, warnings as errors. Output in
# .build/api-docs (a static site). `make test` runs it, so a broken link or catalog fails there.
api-docs:
	$(SWIFT) package dump-symbol-graph --minimum-access-level public >/dev/null
	@rm -rf .build/api-symbols && mkdir -p .build/api-symbols
	@cp .build/$$($(SWIFT) -print-target-info 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["target"]["unversionedTriple"])')/symbolgraph/FerryClient*.symbols.json .build/api-symbols/
	docc convert Sources/FerryClient/FerryClient.docc --additional-symbol-graph-dir .build/api-symbols \
		--output-path .build/api-docs --fallback-display-name FerryClient \
		--fallback-bundle-identifier org.ferry.FerryClient --warnings-as-errors

# Docs/Commands.md comes from the command table; a test fails when it is stale.
docs: build
	$(BIN) --command-reference > Docs/Commands.md
	$(BIN) --man-page > Docs/ferry.1

# Ferry beside curl, lftp, tnftp and aria2c, all on vsftpd on 127.0.0.1 (scripts/bench.py): get to a file and to
# /dev/null, put, mget/mput of 1,000 small files on one and on 8 connections, pget on a rate-capped server, start-up.
# SIZE in MiB (the big file), ROUNDS (medians are reported), FERRY the binary. Prints the tables and writes them to
# Docs/Benchmarks.md. Runs as root: it makes a local user and a PAM file for the run and removes them at the end.
# Peers are installed when missing (no daemon starts); hyperfine is optional (start-up is else timed in Python).
# A benchmark, not a test: nothing fails on a time.
SIZE   ?= 1024
ROUNDS ?= 3
FERRY  ?= $(RELEASE)
bench: deps release
	@missing=""; \
	for tool in curl lftp tnftp; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	command -v aria2c >/dev/null 2>&1 || missing="$$missing aria2"; \
	[ -x /usr/sbin/vsftpd ] || missing="$$missing vsftpd"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) ./scripts/install-packages.sh $$missing; \
	fi; \
	command -v hyperfine >/dev/null 2>&1 || { echo "Installing: hyperfine"; \
		$(SUDO) ./scripts/install-packages.sh hyperfine || echo "No hyperfine package: start-up is timed in Python."; }
	$(SUDO) env FERRY=$(FERRY) python3 scripts/bench.py $(SIZE) $(ROUNDS)

# Raw LIST/MLSD captures from real servers into Tests/Fixtures/listings (root; vsftpd, proftpd and pure-ftpd
# conflict as packages, so each is installed in turn and vsftpd is left installed for the tests).
capture-listings:
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq proftpd-basic busybox >/dev/null
	$(SUDO) python3 scripts/capture_listings.py proftpd busybox pyftpdlib
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq pure-ftpd >/dev/null
	$(SUDO) python3 scripts/capture_listings.py pure-ftpd
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq vsftpd >/dev/null
	$(SUDO) python3 scripts/capture_listings.py vsftpd

# libFuzzer on the listing parsers, the reply parser and the address codecs, FUZZ_SECONDS each (default 60).
# A crash is kept in Tests/Fixtures/fuzz-crashes/, which a unit test replays.
FUZZ_SECONDS ?= 60
fuzz:
	./scripts/fuzz.sh $(FUZZ_SECONDS)

demo: deps build
	./scripts/demo.sh

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/ferry
	install -m 644 Docs/ferry.1 $(DESTDIR)$(PREFIX)/share/man/man1/ferry.1

clean:
	rm -rf .build
