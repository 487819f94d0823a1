package mamlint.custom.pairs

policies(platform) := [doc |
	some doc in input.documents
	doc.kind == "AppProtectionPolicy"
	doc.spec.platform == platform
]

groups(doc) := {group | some group in object.get(doc.spec, ["assignments", "include"], [])}

# METADATA
# title: every iOS policy has an Android twin
# description: >-
#   Each iOS app protection policy has an Android policy assigned to exactly the same
#   groups, so that no user is protected on one platform and not on the other.
# custom:
#   code: ACME002
#   help: assign an Android app protection policy to the same groups as this iOS policy
warn contains result if {
	some ios in policies("ios")
	not groups(ios) in android_group_sets
	result := {
		"code": "ACME002",
		"msg": sprintf("iOS policy `%s` has no Android policy assigned to the same groups", [ios.name]),
		"document": ios.index,
		"path": "/spec/assignments/include",
	}
}

# Built once: a set lookup per iOS policy keeps the rule linear in the number of policies.
android_group_sets := {groups(android) | some android in policies("android")}
