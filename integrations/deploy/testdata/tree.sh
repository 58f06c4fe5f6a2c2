#!/bin/sh
# A deploy script that leaves processes behind: a background child, a
# daemonised grandchild (double fork), one in a session of its own
# (setsid), and a sleep it waits for in the foreground. Once they all run
# it writes their pids and its own, one a line, to $PIDS (atomically),
# then waits (MODE hang) or exits at once (MODE exit).
tmp="$PIDS.tmp"
: > "$tmp"
sleep 300 &
echo $! >> "$tmp"
(sleep 300 & echo $! >> "$tmp")
if command -v setsid >/dev/null 2>&1; then
	setsid sleep 300 &
	echo $! >> "$tmp"
fi
echo $$ >> "$tmp"
sleep 300 &
fg=$!
echo $fg >> "$tmp"
mv "$tmp" "$PIDS"
echo "started"
case "$1" in
exit) exit 0 ;;
esac
wait $fg
