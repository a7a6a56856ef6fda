# SPDX-License-Identifier: GPL-2.0
#
# criu-thp: CRIU plugin, criu-thp command, tests and the QEMU guest rig.
#
#   make            build plugin/thp_plugin.so and plugin/criu-thp
#   make deps       install the Debian packages everything here needs
#   make test       every test: host unit tests, then zdtm tests in the guest
#   make demo       dump and restore a process in the guest, THP state shown
#   make bench      dump time with and without the plugin, in the guest
#   make fuzz       the libFuzzer harnesses (clang, ASan, UBSan); scripts/fuzz.sh
#   make SAN=1 B=build/san ...   everything with ASan and UBSan
#   make man        the man pages (asciidoctor) into $(B)/man
#   make deb        the Debian package (scripts/deb.sh) into $(B)/deb
#   make install    DESTDIR, PREFIX, MANDIR, COMPLETIONDIR and
#                   CRIU_PLUGIN_DIR are honoured
#
# Generated code and every other build product goes to $(B).

CC		?= gcc
B		:= build
PREFIX		?= /usr/local
CRIU_PLUGIN_DIR	?= /usr/lib/criu
MANDIR		?= $(PREFIX)/share/man
COMPLETIONDIR	?= $(PREFIX)/share/bash-completion/completions
DESTDIR		?=

WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
# plugin/<part>/: one folder per step of the data flow (plugin/README.md)
PARTS		:= common image record criu collapse monitor verify cmd
vpath %.c $(addprefix plugin/,$(PARTS))
# -fvisibility=hidden: criu is linked -rdynamic; the plugin exports only
# CR_PLUGIN_DESC, so that no name of ours can stand in for one of criu's.
CFLAGS		+= $(WARN) -D_GNU_SOURCE -fPIC -fvisibility=hidden \
		   $(addprefix -Iplugin/,$(PARTS)) \
		   -I$(B)/images -DTHP_MONITOR_DEFAULT='"$(PREFIX)/bin/criu-thp"'
LDLIBS_PB	:= -lprotobuf-c
LDLIBS_CMD	:= $(LDLIBS_PB) -lcompel

# SAN=1: AddressSanitizer and UndefinedBehaviorSanitizer, every object
# and link (use another B, e.g. B=build/san).  FUZZ=1 (with CC=clang)
# adds libFuzzer's coverage to the objects: `make fuzz` does both.
ifeq ($(SAN),1)
SANITIZE	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
endif
ifeq ($(FUZZ),1)
SANITIZE	+= -fsanitize=fuzzer-no-link
endif
CFLAGS		+= $(SANITIZE)

PROTOS		:= thp criu_mm criu_pagemap
PROTO_C		:= $(patsubst %,$(B)/images/%.pb-c.c,$(PROTOS))
PROTO_H		:= $(patsubst %,$(B)/images/%.pb-c.h,$(PROTOS))
PROTO_OBJ	:= $(patsubst %,$(B)/obj/%.pb-c.o,$(PROTOS))

# Code shared by the plugin and the command.
SHARED		:= thp_image proc_status proc_smaps proc_pagemap proc_tasks \
		   proc_syscall chunk_runs thp_coverage thp_folios thp_record \
		   lazy_stack sysfs_thp thp_config thp_dump \
		   criu_image criu_mm criu_pagemap lazy_pages thp_expect thp_diff \
		   thp_collapse thp_split thp_verify madv_probe thp_fault \
		   inject inject_nr inject_stop inject_threads inject_task madv \
		   task_prctl proc_mem addr_set page_ranges thp_advice json_out \
		   monitor_proto

# Only inside criu.  Injection binds to criu's own compel in the plugin
# (criu exports it), to Debian's libcompel in the command.
PLUGIN_ONLY	:= thp_fix thp_restore restore_quick monitor_spawn
SHARED_OBJ	:= $(patsubst %,$(B)/obj/%.o,$(SHARED)) $(PROTO_OBJ)

PLUGIN		:= plugin/thp_plugin.so
PLUGIN_OBJ	:= $(B)/obj/thp_plugin.o $(B)/obj/log_criu.o \
		   $(patsubst %,$(B)/obj/%.o,$(PLUGIN_ONLY)) $(SHARED_OBJ)

CMD		:= plugin/criu-thp
CMD_OBJ		:= $(B)/obj/criu_thp.o $(B)/obj/criu_thp_opts.o \
		   $(B)/obj/cmd_opts.o $(B)/obj/cmd_show.o $(B)/obj/cmd_verify.o \
		   $(B)/obj/cmd_monitor.o \
		   $(B)/obj/thp_show.o $(B)/obj/log_stderr.o \
		   $(B)/obj/thp_monitor.o $(B)/obj/monitor_guard.o \
		   $(B)/obj/monitor_report.o $(B)/obj/monitor_orphan.o \
		   $(B)/obj/uffd_guard.o $(B)/obj/proc_cgroup.o \
		   $(SHARED_OBJ)

all: $(PLUGIN) $(CMD)

$(B)/images/%.pb-c.c $(B)/images/%.pb-c.h: images/%.proto
	@mkdir -p $(B)/images
	protoc-c --proto_path=images --c_out=$(B)/images $<

$(B)/obj/%.pb-c.o: $(B)/images/%.pb-c.c $(PROTO_H)
	@mkdir -p $(B)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The monitor's default path, $(PREFIX)/bin/criu-thp, is compiled into
# the plugin: the objects depend on a file that changes with PREFIX, so
# that `make install PREFIX=/opt/x` after a bare `make` rebuilds them.
PREFIX_STAMP	:= $(B)/obj/prefix
$(shell mkdir -p $(B)/obj && \
	{ [ "$$(cat $(PREFIX_STAMP) 2>/dev/null)" = "$(PREFIX)" ] || \
	  echo "$(PREFIX)" >$(PREFIX_STAMP); })

$(B)/obj/%.o: %.c $(PROTO_H) $(wildcard plugin/*/*.h) $(PREFIX_STAMP)
	@mkdir -p $(B)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(PLUGIN): $(PLUGIN_OBJ)
	$(CC) $(SANITIZE) $(LDFLAGS) -shared -o $@ $^ $(LDLIBS_PB)

$(CMD): $(CMD_OBJ)
	$(CC) $(SANITIZE) $(LDFLAGS) -o $@ $^ $(LDLIBS_CMD)

# ---- tests ---------------------------------------------------------------

UNIT_TESTS	:= $(patsubst test/unit/%.c,%,$(wildcard test/unit/test_*.c))
UNIT_BIN	:= $(patsubst %,$(B)/unit/%,$(UNIT_TESTS))

# The command's objects but its main(), and the plugin's talk to the monitor.
UNIT_OBJ	:= $(filter-out $(B)/obj/criu_thp.o,$(CMD_OBJ)) \
		   $(B)/obj/monitor_spawn.o

$(B)/unit/%: test/unit/%.c $(UNIT_OBJ) $(wildcard test/zdtm/static/*.h) \
		test/unit/unit.h | $(CMD)
	@mkdir -p $(B)/unit
	$(CC) $(CFLAGS) -Itest/unit -Itest/zdtm/static \
		-DCRIU_THP_BIN='"$(abspath $(CMD))"' \
		-DCRIU_THP_TOP='"$(abspath .)"' -o $@ $< $(UNIT_OBJ) \
		$(UNIT_EXTRA) $(LDLIBS_CMD) -lcmocka

# test_lazy_stack puts children to sleep as the zdtm tests sleep.
$(B)/unit/test_lazy_stack: test/zdtm/lib/suspend.c
$(B)/unit/test_lazy_stack: UNIT_EXTRA := -Itest/zdtm/lib test/zdtm/lib/suspend.c

unit: $(UNIT_BIN)

# libFuzzer harnesses, test/fuzz/fuzz_<what>.c, built with clang and the
# sanitizers in $(B)/fuzz: `make fuzz`; run by scripts/fuzz.sh.
FUZZ_NAMES	:= $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_BIN	:= $(patsubst %,$(B)/fuzz-bin/%,$(FUZZ_NAMES))

$(B)/fuzz-bin/%: test/fuzz/%.c test/fuzz/fuzz.h $(UNIT_OBJ)
	@mkdir -p $(B)/fuzz-bin
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Itest/fuzz -o $@ $< $(UNIT_OBJ) \
		$(LDLIBS_CMD)

fuzz-bin: $(FUZZ_BIN)

fuzz:
	$(MAKE) B=$(B)/fuzz CC=clang SAN=1 FUZZ=1 \
		PLUGIN=$(B)/fuzz/thp_plugin.so CMD=$(B)/fuzz/criu-thp fuzz-bin

# zdtm-compatible tests: each test/zdtm/static/<name>.c is one test.
ZDTM_LIB	:= $(B)/zdtm/lib/libzdtmtst.a
ZDTM_LIB_SRC	:= $(wildcard test/zdtm/lib/*.c)
ZDTM_TESTS	:= $(patsubst test/zdtm/static/%.c,%,$(wildcard test/zdtm/static/*.c))
ZDTM_BIN	:= $(patsubst %,$(B)/zdtm/static/%,$(ZDTM_TESTS))
ZDTM_TOOLS	:= $(patsubst test/zdtm/tools/%.c,$(B)/zdtm/tools/%,\
		     $(wildcard test/zdtm/tools/*.c))

$(ZDTM_LIB): $(ZDTM_LIB_SRC) test/zdtm/lib/zdtmtst.h
	@mkdir -p $(B)/zdtm/lib
	for f in $(ZDTM_LIB_SRC); do \
		$(CC) $(CFLAGS) -Itest/zdtm/lib -c -o $(B)/zdtm/lib/$$(basename $$f .c).o $$f || exit 1; \
	done
	ar rcs $@ $(patsubst test/zdtm/lib/%.c,$(B)/zdtm/lib/%.o,$(ZDTM_LIB_SRC))

$(B)/zdtm/static/%: test/zdtm/static/%.c $(ZDTM_LIB) $(wildcard test/zdtm/static/*.h)
	@mkdir -p $(B)/zdtm/static
	$(CC) $(CFLAGS) -Itest/zdtm/lib -o $@ $< $(ZDTM_LIB)

# Test tools use the shared /proc readers and injection code (with
# Debian's libcompel).
TOOL_OBJ	:= $(B)/obj/inject.o $(B)/obj/inject_nr.o $(B)/obj/inject_stop.o \
		   $(B)/obj/inject_threads.o $(B)/obj/proc_smaps.o \
		   $(B)/obj/proc_status.o $(B)/obj/proc_tasks.o \
		   $(B)/obj/proc_pagemap.o \
		   $(B)/obj/log_stderr.o

$(B)/zdtm/tools/%: test/zdtm/tools/%.c $(TOOL_OBJ)
	@mkdir -p $(B)/zdtm/tools
	$(CC) $(CFLAGS) -o $@ $< $(TOOL_OBJ) -lcompel

# The native lane's child subreaper (test/native/lane.sh).
$(B)/native/reaper: test/native/reaper.c
	@mkdir -p $(B)/native
	$(CC) $(CFLAGS) -o $@ $<

# 32-bit (compat) builds of two tests, as NAME_m32, for a criu that can
# dump compat tasks (criu check --feature compat_cr); gcc-multilib.
ZDTM_M32	:= $(patsubst %,$(B)/zdtm/static/%_m32,thp_prctl thp_flags)

$(B)/zdtm/static/%_m32: test/zdtm/static/%.c $(ZDTM_LIB_SRC) \
		$(wildcard test/zdtm/static/*.h)
	@mkdir -p $(B)/zdtm/static
	$(CC) -m32 $(filter-out $(SANITIZE),$(CFLAGS)) -Itest/zdtm/lib -o $@ \
		$< $(ZDTM_LIB_SRC)

zdtm: $(ZDTM_BIN) $(ZDTM_M32) $(ZDTM_TOOLS) $(B)/native/reaper

# Benchmarks: figures, not pass/fail.
BENCH_BIN	:= $(patsubst test/bench/%.c,$(B)/bench/%,$(wildcard test/bench/*.c))

$(B)/bench/%: test/bench/%.c $(wildcard test/bench/*.h test/zdtm/static/*.h)
	@mkdir -p $(B)/bench
	$(CC) $(CFLAGS) -pthread -Itest/zdtm/static -o $@ $<

bench-bin: $(BENCH_BIN)

bench:
	@scripts/bench.sh

deps:
	@scripts/deps.sh

test:
	@scripts/run-tests.sh

# The quick check while working (minutes): build, unit, style, names,
# options, fuzz seeds, a native smoke run.  `make test` is the whole suite.
check:
	@scripts/check.sh

demo:
	@scripts/demo.sh

# The Debian package (debian/), built from a copy of the tree in
# $(B)/deb: $(B)/deb/criu-thp_VERSION_amd64.deb.
deb:
	@scripts/deb.sh

# ---- man pages and install ---------------------------------------------

# docs/man/NAME.SECTION.adoc -> $(B)/man/NAME.SECTION
MAN		:= $(patsubst docs/man/%.adoc,$(B)/man/%,$(wildcard docs/man/*.adoc))

$(B)/man/%: docs/man/%.adoc plugin/common/version.h
	@mkdir -p $(B)/man
	asciidoctor -b manpage -a mansource=criu-thp \
		-a manversion=$$(sed -n 's/.*VERSION[^"]*"\(.*\)"/\1/p' plugin/common/version.h) \
		-o $@ $<

man: $(MAN)

install: all man
	install -D -m 0644 $(PLUGIN) $(DESTDIR)$(CRIU_PLUGIN_DIR)/thp_plugin.so
	install -D -m 0755 $(CMD) $(DESTDIR)$(PREFIX)/bin/criu-thp
	for m in $(MAN); do \
		install -D -m 0644 $$m \
			$(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename $$m); \
	done
	install -D -m 0644 scripts/bash-completion/criu-thp \
		$(DESTDIR)$(COMPLETIONDIR)/criu-thp

uninstall:
	rm -f $(DESTDIR)$(CRIU_PLUGIN_DIR)/thp_plugin.so \
		$(DESTDIR)$(PREFIX)/bin/criu-thp \
		$(patsubst $(B)/man/%,$(DESTDIR)$(MANDIR)/man*/%,$(MAN)) \
		$(DESTDIR)$(COMPLETIONDIR)/criu-thp

clean:
	rm -rf $(B)/obj $(B)/images $(B)/unit $(B)/zdtm $(B)/bench $(PLUGIN) \
		$(CMD)

# Also drops the cached guest kernel and initramfs.
distclean:
	rm -rf $(B) $(PLUGIN) $(CMD)

.PHONY: all unit zdtm fuzz fuzz-bin bench-bin bench deps test check demo deb man install \
	uninstall clean distclean
.SECONDARY:
