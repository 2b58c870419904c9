/* SPDX-License-Identifier: MIT */
/* Runs every unit-test suite; exits non-zero if any test fails. */
#include <stdlib.h>

#include "check_suites.h"

int main(void)
{
	SRunner *runner;
	int failed;

	runner = srunner_create(checksum_suite());
	srunner_add_suite(runner, packet_suite());
	srunner_add_suite(runner, queue_suite());
	srunner_add_suite(runner, rtable_suite());
	srunner_add_suite(runner, topology_suite());
	srunner_add_suite(runner, engine_suite());
	srunner_add_suite(runner, faults_suite());
	srunner_add_suite(runner, packet6_suite());
	srunner_add_suite(runner, rtable6_suite());
	srunner_add_suite(runner, timeline_suite());
	srunner_add_suite(runner, engine6_suite());
	srunner_add_suite(runner, topology6_suite());
	srunner_add_suite(runner, lan_suite());
	srunner_add_suite(runner, redirect_suite());

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
