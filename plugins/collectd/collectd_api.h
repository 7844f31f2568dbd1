/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place that includes collectd's headers. Only plugin adapter files
 * (plugins/<name>/<name>_collectd.cpp) include this; everything else is plain
 * C++ that unit tests link without collectd.
 *
 * Debian's collectd-dev 5.12 headers have no __cplusplus guards, so they are
 * wrapped in extern "C" here; without it the .so builds but dlopen() fails on
 * C++-mangled plugin_register_* symbols.
 *
 * Never include this together with Catch2: both define INFO().
 */
#pragma once

extern "C" {
#include <collectd/core/daemon/collectd.h>

#include <collectd/core/daemon/configfile.h>
#include <collectd/core/daemon/plugin.h>
#include <collectd/core/daemon/utils_complain.h>
#include <collectd/core/utils/common/common.h>
}

/*
 * Modules are built with hidden visibility so two of our plugins can never
 * interpose each other's C++ symbols; module_register is the one symbol
 * collectd looks up and must stay visible.
 */
#define FBCQM_MODULE_REGISTER extern "C" __attribute__((visibility("default"))) void module_register(void)
