#!/bin/sh
# A deploy script as an operator would configure it: it prints its
# arguments and what the bot gave it, then behaves as MODE says.
echo "argv: $*"
echo "csr=$CSR_ID run=$RUN_ID env=$ENVIRONMENT ref=$REF sha=$SHA fence=$DEPLOY_FENCE"
echo "token=${GITHUB_TOKEN:-unset} region=${AWS_REGION:-unset}"
i=1
while [ $i -le 30 ]; do echo "step $i"; i=$((i+1)); done
case "$1" in
fail) echo "migration failed" >&2; exit 3 ;;
hang) sleep 60 & wait ;;
esac
