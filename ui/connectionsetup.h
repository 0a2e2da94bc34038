#pragma once

#include <optional>

#include <QObject>

#include "connectionoptions.h"

class AppSettings;
class ConnectionOptionsDialog;
class Dialogs;
class QAction;
class QToolButton;
class QWidget;

// The window's connection options: what the options dialog edits, the
// summary button next to Connect ("TLS · via SOCKS5"), and what the next
// connection uses.
//
// Settings: load() reads them, save() writes them without secrets or pins
// (AppSettings::setConnectionOptions). The proxy password and the key
// passphrase live in memory until the program ends.
//
// prepare() turns them into the options of one connection: the
// fingerprints trusted for that host and port are added as pins, and an
// encrypted client key's passphrase is asked for (again, if wrong).
class ConnectionSetup : public QObject
{
    Q_OBJECT
public:
    ConnectionSetup(AppSettings *settings, Dialogs *dialogs, QWidget *window);

    const ConnectionOptions &options() const { return m_options; }
    void setOptions(const ConnectionOptions &options);
    void load();
    void save();

    // "Connection Options..." (Ctrl+Shift+O): opens the dialog.
    QAction *optionsAction() const { return m_action; }
    // Shows the summary; clicking it opens the dialog. Parented to `window`.
    QToolButton *summaryButton() const { return m_button; }

    // Opens the options dialog (window-modal, returns at once); OK applies
    // and saves. The dialog deletes itself when closed.
    ConnectionOptionsDialog *editOptions();

    // The options for connecting to host:port now, or nullopt with *whyNot
    // set (the passphrase was not given, the key cannot be read...).
    std::optional<ConnectionOptions> prepare(const QString &host, quint16 port, QString *whyNot);

    static constexpr int maxPassphraseAttempts = 3;

Q_SIGNALS:
    void optionsChanged(const ConnectionOptions &options);

private:
    void updateSummary();
    bool ensurePassphrase(QString *whyNot);

    AppSettings *m_settings;
    Dialogs *m_dialogs;
    QWidget *m_window;
    ConnectionOptions m_options;
    QAction *m_action;
    QToolButton *m_button;
};
