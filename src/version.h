/*
 * version.h — the versions this program states: its own, and the one
 * HTCondor version it claims wherever HTCondor's protocol or languages
 * need one (the configuration reader's `if version`, submit's version
 * checks, the CEDAR version string).  The HTCondor version is the one the
 * conformance data under tests/conformance was recorded from.  Every
 * layer may include this header: it holds constants and nothing else.
 */
#ifndef VERSION_H
#define VERSION_H

#define HTCONDOR_VERSION	"25.14.0"
#define HTCONDOR_VERSION_MAJOR	25
#define HTCONDOR_VERSION_MINOR	14
#define HTCONDOR_VERSION_PATCH	0

#define HTCAPI_VERSION		"0.1.0"

#endif
