#!/bin/sh
# The one voice of the run's speech-dispatcher: writes what it is given to a file instead of a sound card,
# and takes as long to "say" it as a fast voice would (25 ms a character, 150 ms an utterance), so that
# Orca's reading is interrupted, and its say-all paced, as with a real voice.
# Usage: voice.sh FOLDER LANGUAGE TEXT
#   FOLDER/spoken.txt gets "PID<tab>LANGUAGE<tab>TEXT"; FOLDER/ended.txt the PID once it is said to the end.
folder=$1
text=$(printf '%s' "$3" | tr '\n\t' '  ')
printf '%s\t%s\t%s\n' "$$" "$2" "$text" >> "$folder/spoken.txt"
ms=$((150 + ${#text} * 25))
sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
printf '%s\n' "$$" >> "$folder/ended.txt"
