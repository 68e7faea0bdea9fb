#!/usr/bin/python3
"""client.py - a small Python client for htcondor-api, and the README's
demo walk-through done with it: submit a job that counts the lines of its
input, upload that input, wait for the job to complete, download its
output, and read its history.

Start `htcondor-api --demo`, paste the two export lines of its banner,
then run this.  It needs Debian's python3-requests
(`apt-get install python3-requests`).

    HTCONDOR_API_URL    where the API is (default http://127.0.0.1:8080)
    HTCONDOR_API_TOKEN  the bearer token (required)
    WAIT_SECS           how long to wait for each step of the job (120)

The class HTCondorAPI is the part to copy: one method per route it uses,
and every error answer of the API turned into an APIError that carries
the API's own {"error", "message", "code"}.
"""

import io
import os
import sys
import tarfile
import tempfile
import time

import requests


class APIError(Exception):
    """An error answer of the API: its HTTP status, reason and message."""

    def __init__(self, status, reason, message):
        super().__init__(f"HTTP {status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message


class HTCondorAPI:
    """The routes of htcondor-api that the walk-through uses."""

    def __init__(self, url, token, timeout=30):
        self.base = url.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def _request(self, method, path, **kwargs):
        """Send one request; raise APIError unless the status is 2xx."""
        answer = self.session.request(method, self.base + path,
                                      timeout=self.timeout, **kwargs)
        if not answer.ok:
            try:
                body = answer.json()
                reason = body.get("error", answer.reason)
                message = body.get("message", answer.text)
            except ValueError:
                reason, message = answer.reason, answer.text.strip()
            raise APIError(answer.status_code, reason, message)
        return answer

    def submit(self, submit_file, spool=True):
        """Submit a submit description; return the new job ids.  With
        spool (the default) the jobs wait, held, for upload_input."""
        answer = self._request("POST", "/jobs", json={
            "submit_file": submit_file, "spool": spool})
        return answer.json()["job_ids"]

    def upload_input(self, job_id, files, executables=()):
        """Upload a job's input sandbox: FILES maps each name the job
        names as input (its executable included) to its bytes; the names
        in EXECUTABLES get mode 0755.  The tar is built in memory."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o755 if name in executables else 0o644
                info.mtime = int(time.time())
                tar.addfile(info, io.BytesIO(data))
        self._request("PUT", f"/jobs/{job_id}/input", data=buf.getvalue(),
                      headers={"Content-Type": "application/x-tar"})

    def job(self, job_id, *attributes):
        """The job's ad in the queue (only ATTRIBUTES, when given)."""
        params = {"projection": ",".join(attributes)} if attributes else {}
        return self._request("GET", f"/jobs/{job_id}", params=params).json()

    def wait(self, job_id, timeout=120, poll=0.5):
        """Wait until the job has completed (JobStatus 4) and return its
        ad; a removed or held job, or the timeout, raises RuntimeError."""
        deadline = time.monotonic() + timeout
        while True:
            ad = self.job(job_id, "JobStatus", "HoldReason")
            status = ad.get("JobStatus")
            if status == 4:
                return ad
            if status == 3:
                raise RuntimeError(f"job {job_id} was removed")
            if status == 5:
                raise RuntimeError(
                    f"job {job_id} is held: {ad.get('HoldReason')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {job_id} has not completed after "
                                   f"{timeout} s (JobStatus {status})")
            time.sleep(poll)

    def download_output(self, job_id, directory, finish=False):
        """Download the output sandbox of a completed job and extract it
        into DIRECTORY; return the names extracted.  finish=True lets the
        schedd remove the job from the queue afterwards."""
        params = {"finish": "true"} if finish else {}
        answer = self._request("GET", f"/jobs/{job_id}/output", params=params)
        with tarfile.open(fileobj=io.BytesIO(answer.content)) as tar:
            names = tar.getnames()
            # Only plain relative names: a tar from elsewhere could hold
            # "../x" or a link (Python 3.12 has tar.extractall(filter=)).
            for member in tar.getmembers():
                if (member.name.startswith("/") or ".." in
                        member.name.split("/") or
                        not (member.isfile() or member.isdir())):
                    raise RuntimeError(f"unsafe tar entry {member.name!r}")
            tar.extractall(directory)
        return names

    def history(self, job_id, *attributes):
        """The job's history record, or None while there is none yet."""
        params = {"projection": ",".join(attributes)} if attributes else {}
        try:
            return self._request("GET", f"/history/{job_id}",
                                 params=params).json()
        except APIError as e:
            if e.status == 404:
                return None
            raise


def walkthrough(api, workdir, wait_secs):
    """The README's walk-through; returns 0, or raises."""
    run_sh = b"#!/bin/sh\nwc -l < data.txt > count.txt\necho done\n"
    data = "".join(f"{i}\n" for i in range(1, 1001)).encode()

    # 1. Submit; with spool the job waits, held, for its input.
    [job_id] = api.submit("executable = run.sh\n"
                          "transfer_input_files = data.txt\n"
                          "output = out.txt\n"
                          "error = err.txt\n"
                          "queue\n")
    print(f"submitted job {job_id}")

    # 2. Upload exactly the files the job names; the job is released.
    api.upload_input(job_id, {"run.sh": run_sh, "data.txt": data},
                     executables={"run.sh"})
    print("uploaded its input")

    # 3. Wait until it has completed.
    api.wait(job_id, timeout=wait_secs)
    print(f"job {job_id} has completed")

    # 4. Download its output sandbox and read count.txt; finishing the
    # transfer lets the job leave the queue for the history.
    api.download_output(job_id, workdir, finish=True)
    with open(os.path.join(workdir, "count.txt")) as f:
        count = f.read().strip()
    print(f"count.txt: {count}")
    if count != "1000":
        raise RuntimeError(f"count.txt says {count!r}, not 1000")

    # 5. Its history, once the record is there.
    deadline = time.monotonic() + wait_secs
    while (record := api.history(job_id, "JobStatus", "ExitCode",
                                 "RemoteWallClockTime")) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job_id} has no history record after "
                               f"{wait_secs} s")
        time.sleep(0.5)
    print(f"history of job {job_id}: {record}")
    if record.get("ExitCode") != 0:
        raise RuntimeError(f"job {job_id} did not exit with 0")
    return 0


def main():
    token = os.environ.get("HTCONDOR_API_TOKEN")
    if not token:
        sys.exit("client.py: HTCONDOR_API_TOKEN is not set: start "
                 "\"htcondor-api --demo\" and paste the two export lines "
                 "its banner prints")
    url = os.environ.get("HTCONDOR_API_URL", "http://127.0.0.1:8080")
    wait_secs = float(os.environ.get("WAIT_SECS", "120"))
    api = HTCondorAPI(url, token)
    try:
        with tempfile.TemporaryDirectory(prefix="client.") as workdir:
            return walkthrough(api, workdir, wait_secs)
    except requests.RequestException as e:
        # Before OSError: requests' exceptions are OSErrors too.
        sys.exit(f"client.py: no answer from {url} (is the API running?): "
                 f"{e}")
    except (APIError, RuntimeError, OSError, tarfile.TarError) as e:
        sys.exit(f"client.py: {e}")


if __name__ == "__main__":
    sys.exit(main())
