#!/bin/sh
# The Chat Lambda's start script: the AWS Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) runs it
# as the function's handler and forwards each invocation to the app on 127.0.0.1:$AWS_LWA_PORT, streaming the
# answer back (AWS_LWA_INVOKE_MODE=response_stream). Works as proxy/run.sh or copied to the bundle root.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
if [ "$(basename -- "$here")" = proxy ] && [ -f "$here/app.py" ]; then
    root=$(dirname -- "$here")
else
    root=$here
fi
cd "$root"
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH

python=${PYTHON:-python}
if [ -z "${PYTHON:-}" ] && ! command -v python >/dev/null 2>&1; then
    python=python3
fi

exec "$python" -m uvicorn proxy.app:app --host 127.0.0.1 --port "${AWS_LWA_PORT:-8080}" \
    --no-access-log --no-server-header --log-level warning
