package mamlint.custom.pin_test

import data.mamlint.custom.pin

policy(settings) := {"documents": [{
	"index": 0, "kind": "AppProtectionPolicy", "name": "p",
	"spec": {"platform": "ios", "settings": settings},
}]}

test_a_six_digit_pin_is_denied if {
	some result in pin.deny with input as policy({"minimumPinLength": 6})
	result.code == "ACME001"
	result.path == "/spec/settings/minimumPinLength"
}

test_an_eight_digit_pin_is_allowed if {
	count(pin.deny) == 0 with input as policy({"minimumPinLength": 8})
}

test_no_pin_length_means_the_graph_default if {
	some result in pin.deny with input as policy({})
	contains(result.msg, "4-digit")
}
