#include "connectionsetup.h"

#include <QAction>
#include <QDir>
#include <QSslKey>
#include <QToolButton>

#include "actionutil.h"
#include "appsettings.h"
#include "connectionoptionsdialog.h"
#include "dialogs.h"
#include "session.h"
#include "tlsfiles.h"

ConnectionSetup::ConnectionSetup(AppSettings *settings, Dialogs *dialogs, QWidget *window)
    : QObject(window)
    , m_settings(settings)
    , m_dialogs(dialogs)
    , m_window(window)
{
    m_action = makeAction(this, tr("Connection &Options..."), QString(), QStringLiteral("preferences-system-network"),
                          QStyle::SP_FileDialogDetailedView);
    m_action->setObjectName(QStringLiteral("connectionOptionsAction"));
    setShortcuts(m_action, {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)},
                 tr("Transport, TLS, proxy and local address of the next connection"));
    connect(m_action, &QAction::triggered, this, &ConnectionSetup::editOptions);

    m_button = new QToolButton(window);
    m_button->setObjectName(QStringLiteral("connectionOptions"));
    m_button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(m_button, &QToolButton::clicked, m_action, &QAction::trigger);
    updateSummary();
}

void ConnectionSetup::setOptions(const ConnectionOptions &options)
{
    m_options = options;
    updateSummary();
    Q_EMIT optionsChanged(m_options);
}

void ConnectionSetup::load()
{
    setOptions(m_settings->connectionOptions());
}

void ConnectionSetup::save()
{
    m_settings->setConnectionOptions(m_options);
}

void ConnectionSetup::updateSummary()
{
    const QString summary = ConnectionOptionsDialog::summary(m_options);
    m_button->setText(summary);
    m_button->setAccessibleName(tr("Connection options: %1").arg(summary));
    m_button->setToolTip(withShortcut(tr("Connection options: %1. Click to change them").arg(summary),
                                      m_action->shortcut()));
}

ConnectionOptionsDialog *ConnectionSetup::editOptions()
{
    auto *dialog = new ConnectionOptionsDialog(m_dialogs, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setOptions(m_options);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        setOptions(dialog->options());
        save();
        m_settings->sync();
    });
    dialog->open();
    return dialog;
}

bool ConnectionSetup::ensurePassphrase(QString *whyNot)
{
    const QString path = m_options.tls.keyFile;
    QSslKey key;
    QString error;
    TlsFiles::KeyStatus status = TlsFiles::readKey(path, m_options.tls.keyPassphrase, &key, &error);
    if (status == TlsFiles::KeyStatus::Ok)
        return true;
    if (status != TlsFiles::KeyStatus::NeedsPassphrase && status != TlsFiles::KeyStatus::WrongPassphrase) {
        *whyNot = tr("Not connected: %1").arg(error);
        return false;
    }
    m_options.tls.keyPassphrase.clear();
    for (int attempt = 0; attempt < maxPassphraseAttempts; ++attempt) {
        const QString prompt = status == TlsFiles::KeyStatus::WrongPassphrase
            ? tr("That passphrase does not open the client key %1. Enter its passphrase:")
            : tr("The client key %1 is encrypted. Enter its passphrase:");
        const std::optional<QByteArray> passphrase =
            m_dialogs->askPassphrase(m_window, tr("Client Key Passphrase"), prompt.arg(QDir::toNativeSeparators(path)));
        if (!passphrase) {
            *whyNot = tr("Not connected: no passphrase for the client key.");
            return false;
        }
        status = TlsFiles::readKey(path, *passphrase, &key, &error);
        if (status == TlsFiles::KeyStatus::Ok) {
            m_options.tls.keyPassphrase = *passphrase; // for this run only
            return true;
        }
        if (status != TlsFiles::KeyStatus::NeedsPassphrase && status != TlsFiles::KeyStatus::WrongPassphrase) {
            *whyNot = tr("Not connected: %1").arg(error);
            return false;
        }
        status = TlsFiles::KeyStatus::WrongPassphrase;
    }
    *whyNot = tr("Not connected: the passphrase does not open the client key %1.").arg(QDir::toNativeSeparators(path));
    return false;
}

std::optional<ConnectionOptions> ConnectionSetup::prepare(const QString &host, quint16 port, QString *whyNot)
{
    const bool tcp = m_options.transport == ConnectionOptions::Transport::Tcp;
    if (tcp && !m_options.tls.keyFile.isEmpty() && !ensurePassphrase(whyNot))
        return std::nullopt;
    ConnectionOptions options = m_options;
    const QString endpoint = Session::formatEndpoint(Session::normalizeHost(host), port);
    const QList<QByteArray> trusted = m_settings->trustedFingerprints(endpoint);
    for (const QByteArray &pin : trusted) {
        if (!options.tls.pins.contains(pin))
            options.tls.pins.append(pin);
    }
    return options;
}
