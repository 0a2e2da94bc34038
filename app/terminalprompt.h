#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

// Asks for a secret on the controlling terminal (/dev/tty), without echo,
// like ssh and openssl do; standard input and output stay untouched, so
// they can carry data. Blocks until a line is typed.
//
// nullopt with *error set when there is no terminal ("no terminal to ask
// for ...") or reading fails; *interrupted is set when a signal (Ctrl+C)
// broke the read. The terminal's echo is always restored.
std::optional<QByteArray> readSecretFromTerminal(const QString &prompt, QString *error, bool *interrupted);
