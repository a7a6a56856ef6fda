# SPDX-License-Identifier: GPL-2.0
#
# `criu-thp show --json` as the "RECORD ..." lines that the zdtm test
# thp_record prints for what the record of each of its processes must say.
def runs(l): if (l | length) == 0 then "-"
	else l | map("\(.first)+\(.nr)") | join(",") end;

.tasks[] as $t
| ("RECORD \($t.id) prctl \(if $t.thp_disabled then "disabled" else "enabled" end)"),
  ("RECORD \($t.id) source \($t.source)"),
  ($t.vmas[]
   | "RECORD \($t.id) \(.start) \(.end) \(.kind) \(.advice) pmd=\(runs(.pmd_huge)) pte=\(runs(.pte_thp)) unresolved=\(runs(.unresolved))")
