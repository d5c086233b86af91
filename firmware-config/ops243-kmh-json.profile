# OmniPreSense OPS243-A/C: km/h, JSON output, speed and direction filters, saved to flash.
# Send with:  ale-speed provision --port /dev/ttyACM0 --profile firmware-config/ops243-kmh-json.profile
#
# Format (see docs/devices.md): "keyword value" per line. A "command" starts a step; "answer" is text its answer must
# contain; "verify" is a query that reads the setting back and "verify-answer" what that must contain. Whitespace and
# case are ignored when answers are compared. Any answer containing the "error-answer" text means the unit refused.
#
# Answers marked (documented) are as the OPS243 user manual (UM-003-A) prints them. The others are not spelled out in
# the manual; they are what our simulated OPS243 (Ops243CommandConsole) sends. Check them once against your firmware
# (send the command by hand in a terminal) before provisioning units in the field, and adjust this file if needed.
device OPS243
baud 19200
timeout-ms 2000
line-ending CR
error-answer error

# Speed in km/h. (documented) The answer echoes the request, so the query U? confirms the setting took.
command UK
answer {"Units":"km-per-hr"}
verify U?
verify-answer {"Units":"km-per-hr"}

# JSON output, one object per reading (our Ops243Json parser). No documented answer or query: the listen step at the
# end shows the output really is JSON.
command OJ

# Report nothing below 5 km/h (pedestrians, swaying signs) or above 200 km/h (interference). R>n / R<n (documented
# commands, "requires a return after the number"); R? reports the current speed filter.
command R>5
verify R?
verify-answer "min":5.0

command R<200
verify R?
verify-answer "max":200.0

# Both directions (documented command R|); direction selection is done per unit in ale-speed's configuration.
command R|
verify R?
verify-answer "direction":"both"

# Save to flash so the settings survive a power cut (documented command A!).
command A!

# Listening for JSON output needs traffic (or a hand waved in front of the unit); uncomment on site:
# listen 10
# format ops243-json
