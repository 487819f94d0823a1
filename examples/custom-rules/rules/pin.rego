package mamlint.custom.pin

# Microsoft's Level 3 asks for 6 digits; Acme asks for 8.
min_length := 8

# Graph's default when a policy does not set it.
default_length := 4

# METADATA
# title: PIN of at least 8 digits
# description: >-
#   Every app protection policy sets `minimumPinLength` to 8 or more. Acme's security
#   standard asks for more than Microsoft's framework levels do.
# custom:
#   code: ACME001
#   help: set `minimumPinLength` to 8 or more in the policy's settings
deny contains result if {
	some doc in input.documents
	doc.kind == "AppProtectionPolicy"
	length := object.get(doc.spec, ["settings", "minimumPinLength"], default_length)
	length < min_length
	result := {
		"code": "ACME001",
		"msg": sprintf("`%s` allows a %d-digit PIN; Acme requires at least %d digits", [doc.name, length, min_length]),
		"document": doc.index,
		"path": "/spec/settings/minimumPinLength",
	}
}
