// HeadlessRunner: the TLS parts of a command-line run.
#include "headlessrunner.h"

#include "terminalprompt.h"
#include "tlsconfig.h"
#include "tlsfiles.h"

namespace {
const char passphraseVariable[] = "SOCKETEER_KEY_PASSPHRASE";
}

bool HeadlessRunner::prepareTls(ExitCode *code)
{
    *code = ExitCode::FileError;
    TlsSettings &tls = m_options.connection.tls;
    if (!tls.keyFile.isEmpty() && tls.keyPassphrase.isEmpty() && TlsFiles::isKeyEncrypted(tls.keyFile)) {
        if (qEnvironmentVariableIsSet(passphraseVariable)) {
            tls.keyPassphrase = qgetenv(passphraseVariable);
        } else {
            QString error;
            bool interrupted = false;
            const std::optional<QByteArray> typed =
                readSecretFromTerminal(tr("Passphrase for %1: ").arg(tls.keyFile), &error, &interrupted);
            if (!typed) {
                if (interrupted) {
                    *code = ExitCode::Interrupted;
                    diagnostic(tr("interrupted"));
                } else {
                    diagnostic(tr("the private key in %1 is encrypted: set %2, or run from a terminal to be asked "
                                  "for its passphrase (%3)")
                                   .arg(tls.keyFile, QLatin1String(passphraseVariable), error));
                }
                return false;
            }
            tls.keyPassphrase = *typed;
        }
    }
    TlsFiles::Material material;
    QString error;
    if (!TlsFiles::load(tls, &material, &error)) {
        diagnostic(error);
        return false;
    }
    return true;
}

void HeadlessRunner::explainRejection()
{
    for (const TlsProblem &problem : m_session.tlsProblems())
        diagnostic(tr("  %1: %2").arg(TlsProblem::kindName(problem.kind), problem.message));
    const QList<CertificateInfo> &chain = m_session.rejectedChain();
    if (!chain.isEmpty()) {
        diagnostic(tr("to trust exactly this certificate once you have checked it: --trust %1")
                       .arg(TlsSettings::formatFingerprint(chain.constFirst().sha256)));
    }
}
