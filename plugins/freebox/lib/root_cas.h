/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The default trust store: Freebox ECC Root CA, Freebox Root CA (RSA),
 * Iliadbox ECC Root CA and Iliadbox RSA Root CA, as PEM text. Generated at
 * build time from the PEM files in plugins/freebox/ca/ (see ca/embed_pem.py).
 */
#pragma once

#include <string>

namespace fbcqm::freebox {

const std::string &freeboxRootCasPem();

} // namespace fbcqm::freebox
