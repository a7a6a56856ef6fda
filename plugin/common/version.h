/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_THP_VERSION_H
#define CRIU_THP_VERSION_H

#define CRIU_THP_VERSION	"0.1"

#endif
