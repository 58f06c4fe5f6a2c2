#!/bin/sh
# An example script for the command deployer:
#   deployer: {kind: command, argv: [examples/deploy-command.sh], timeout: 10m, tail_lines: 20}
# releasebot runs it without a shell and passes the run in the environment;
# what people typed in chat (the ref) arrives only as $REF, never as an
# argument. Its last output lines are kept on the run; exit 0 means success.
set -eu
echo "deploying $SERVICE $SHA ($REF) to $ENVIRONMENT for $CSR_ID, run $RUN_ID, fence $DEPLOY_FENCE"
# Refuse a stale request: a newer deploy of this environment already went out.
# (Keep the last fence somewhere durable in a real script.)
echo "done"
