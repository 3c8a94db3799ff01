#!/bin/sh
# minio-init (docker-compose.yml), in the minio/mc image: makes the pipeline's bucket and a MinIO user that may use
# that bucket and nothing else, so the services never hold the root credentials. Safe to run again (every `up`).
# Needs MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY; MINIO_URL defaults to http://minio:9000.
set -eu
: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}" "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}"
policy=pipeline-bucket
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mc alias set local "${MINIO_URL:-http://minio:9000}" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$S3_BUCKET"

cat > "$work/policy.json" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"] }
  ]
}
JSON
mc admin policy create local "$policy" "$work/policy.json"
mc admin user add local "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
# A second attach of the same policy fails ("already in effect"): fine when the user holds it already.
if ! mc admin policy attach local "$policy" --user "$S3_ACCESS_KEY" 2>"$work/attach.err"; then
  if ! mc admin user info local "$S3_ACCESS_KEY" | grep -q "$policy"; then
    cat "$work/attach.err" >&2
    exit 1
  fi
fi
echo "minio-init: bucket '$S3_BUCKET' is ready for user '$S3_ACCESS_KEY'"
