package mamlint.custom.naming

convention := `^Acme (iOS|Android) - .+$`

# METADATA
# title: policy names follow the Acme convention
# description: >-
#   An app protection policy's display name is `Acme <iOS|Android> - <purpose>`, so that
#   the Intune admin center lists Acme's policies together and by platform.
# custom:
#   code: ACME003
#   help: rename the policy, e.g. `Acme iOS - Atlassian apps`
#   severity: info
warn contains result if {
	some doc in input.documents
	doc.kind == "AppProtectionPolicy"
	name := object.get(doc.spec, "displayName", "")
	not regex.match(convention, name)
	result := {
		"code": "ACME003",
		"msg": sprintf("display name `%s` does not follow `Acme <iOS|Android> - <purpose>`", [name]),
		"document": doc.index,
		"path": "/spec/displayName",
	}
}
