#!/usr/bin/env python3
"""azure_blob from psycopg2 (Debian: python3-psycopg2): the driver pattern of
README.md, "From your app". The region between the "README snippet" markers is
the README's snippet, byte for byte (test/t/110_drivers.pl compares them).

    python3 examples/drivers/python-psycopg2.py USER OTHER_USER

As USER: gets an upload URL, PUTs a small text file with it, registers the blob
(azure_save_metadata) and lists USER's files with read URLs; then lists
OTHER_USER's files. Prints one tab-separated line per result:
    upload  <sas_url>
    put     <HTTP status>
    saved   <blob_name> <user_id of the new row>
    file    <user> <blob_name> <read URL>      (one per visible row)

Connection: the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE); the role needs azure_blob_user and azure_grant(role, 'user').
"""
import sys
import urllib.request

# README snippet begin
from contextlib import contextmanager

import psycopg2

conn = psycopg2.connect("")  # PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE


@contextmanager
def as_user(user_id):
    """A cursor in one transaction in which azure_blob.user_id is user_id.

    set_config(..., true) is SET LOCAL: the value ends with the transaction,
    so a pooled connection never carries one request's user into the next."""
    with conn:  # COMMIT at the end of the block, ROLLBACK on an exception
        with conn.cursor() as cur:
            cur.execute("SELECT set_config('azure_blob.user_id', %s, true)", (user_id,))
            yield cur


def upload_url(user_id, file_name, content_type):
    with as_user(user_id) as cur:
        cur.execute("SELECT sas_url, blob_name FROM azure_generate_upload_sas(%s, %s)",
                    (file_name, content_type))
        return cur.fetchone()


def save_metadata(user_id, blob_name):
    with as_user(user_id) as cur:
        cur.execute("SELECT blob_name, user_id FROM azure_save_metadata(%s)", (blob_name,))
        return cur.fetchone()


def list_files(user_id):
    with as_user(user_id) as cur:
        cur.execute("SELECT blob_name, azure_generate_read_sas(blob_name) AS url"
                    " FROM azure_files ORDER BY id")
        return cur.fetchall()
# README snippet end


def main():
    if len(sys.argv) != 3:
        print("usage: python-psycopg2.py USER OTHER_USER", file=sys.stderr)
        return 2
    user, other = sys.argv[1], sys.argv[2]
    sas_url, blob_name = upload_url(user, "hello from python.txt", "text/plain")
    print(f"upload\t{sas_url}")
    # What the browser does with the upload URL.
    put = urllib.request.Request(
        sas_url, method="PUT", data=f"hello from psycopg2 as {user}\n".encode(),
        headers={"x-ms-blob-type": "BlockBlob", "Content-Type": "text/plain"})
    with urllib.request.urlopen(put) as answer:
        print(f"put\t{answer.status}")
    saved_name, saved_user = save_metadata(user, blob_name)
    print(f"saved\t{saved_name}\t{saved_user}")
    for who in (user, other):
        for name, url in list_files(who):
            print(f"file\t{who}\t{name}\t{url}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
