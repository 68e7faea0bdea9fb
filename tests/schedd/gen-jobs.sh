#!/bin/sh
# gen-jobs.sh N [CLUSTERS] [OWNERS] — print N job ads in the -long text
# form the test schedd reads, spread over CLUSTERS clusters (default
# N/10+1) and owned in turn by OWNERS (default "alice bob"), with the
# attributes a vanilla job ad carries.  Ads are printed out of id order
# (a stride through the ids), as a schedd may return them.
n=${1:-10}
clusters=${2:-$((n / 10 + 1))}
owners=${3:-alice bob}
awk -v n="$n" -v nc="$clusters" -v owners="$owners" 'BEGIN {
	no = split(owners, own, " ")
	per = int((n + nc - 1) / nc)
	# A stride coprime with n visits every job once, out of order.
	for (s = 7; n % s == 0 || (s > 7 && n % 7 == 0 && s % 7 == 0); s += 2)
		;
	for (k = 0; k < n; k++) {
		j = (k * s) % n
		c = int(j / per) + 1; p = j % per
		o = own[(c - 1) % no + 1]
		printf "ClusterId = %d\nProcId = %d\nOwner = \"%s\"\n", c, p, o
		printf "User = \"%s@test.local\"\nJobStatus = %d\n", o, (j % 5 == 0) ? 2 : 1
		printf "Cmd = \"/bin/sleep\"\nArgs = \"%d\"\nIwd = \"/home/%s/run%d\"\n", p % 60, o, c
		printf "QDate = %d\nJobPrio = 0\nJobUniverse = 5\nRequestCpus = 1\n", 1795800000 + j
		printf "RequestMemory = 128\nRequestDisk = 1024\nImageSize = %d\n", 1000 + j
		printf "Requirements = (TARGET.Arch == \"X86_64\") && (TARGET.OpSys == \"LINUX\") && (TARGET.Disk >= RequestDisk) && (TARGET.Memory >= RequestMemory)\n"
		printf "Environment = \"\"\nIn = \"/dev/null\"\nOut = \"out.%d\"\nErr = \"err.%d\"\n", p, p
		printf "ShouldTransferFiles = \"YES\"\nWhenToTransferOutput = \"ON_EXIT\"\n"
		printf "LeaveJobInQueue = false\nNumJobStarts = 0\nRemoteUserCpu = 0.0\n"
		printf "ClaimId = \"secret-claim-%d\"\nGlobalJobId = \"test#%d.%d#%d\"\n\n", j, c, p, 1795800000 + j
	}
}'
