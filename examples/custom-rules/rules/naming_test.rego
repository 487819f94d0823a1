package mamlint.custom.naming_test

import data.mamlint.custom.naming

named(name) := {"documents": [{"index": 0, "kind": "AppProtectionPolicy", "spec": {"displayName": name}}]}

test_the_convention_passes if {
	count(naming.warn) == 0 with input as named("Acme iOS - Atlassian apps")
}

test_other_names_are_reported if {
	count(naming.warn) == 1 with input as named("Atlassian apps (iOS)")
}
