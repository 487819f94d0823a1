package mamlint.custom.pairs_test

import data.mamlint.custom.pairs

policy(index, platform, groups) := {
	"index": index, "kind": "AppProtectionPolicy", "name": platform,
	"spec": {"platform": platform, "assignments": {"include": groups}},
}

test_the_same_groups_make_a_pair if {
	count(pairs.warn) == 0 with input as {"documents": [policy(0, "ios", ["a", "b"]), policy(1, "android", ["b", "a"])]}
}

test_other_groups_are_no_pair if {
	some result in pairs.warn with input as {"documents": [policy(0, "ios", ["a"]), policy(1, "android", ["b"])]}
	result.document == 0
	result.path == "/spec/assignments/include"
}

test_a_lone_ios_policy_is_reported if {
	count(pairs.warn) == 1 with input as {"documents": [policy(0, "ios", ["a"])]}
}
