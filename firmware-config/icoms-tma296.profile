# ICOMS TMA-296 traffic radar: verify the serial output the worker expects (km/h, message type 1, one line per vehicle).
#
# The TMA-296 is configured with the vendor's own tool; its command set is not in our references, so this profile sends
# no commands (we do not guess commands at a field unit). It listens to the unit for 60 s while traffic passes and checks
# that every line is a frame our ICOMS parser accepts, e.g. "+057 km/h". A unit in mph, or in another message type the
# parser does not know, is reported as a mismatch with the offending line.
device ICOMS TMA-296
baud 9600
timeout-ms 2000
line-ending CRLF

listen 60
format icoms
