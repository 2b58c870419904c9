/* SPDX-License-Identifier: MIT */
/* The Check suites of the unit-test runner, one per module. */
#ifndef HOPSIM_CHECK_SUITES_H
#define HOPSIM_CHECK_SUITES_H

#include <check.h>

Suite *checksum_suite(void);
Suite *packet_suite(void);
Suite *queue_suite(void);
Suite *rtable_suite(void);
Suite *topology_suite(void);
Suite *engine_suite(void);
Suite *faults_suite(void);
Suite *packet6_suite(void);
Suite *rtable6_suite(void);
Suite *timeline_suite(void);
Suite *engine6_suite(void);
Suite *topology6_suite(void);
Suite *lan_suite(void);
Suite *redirect_suite(void);

#endif
