#pragma once

#include <QDialog>

#include "connectionoptions.h"

class Dialogs;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

// Edits every ConnectionOptions field the window offers: transport, address
// family, local bind address and port, half-close, proxy (type, host, port,
// user, password) and security (plain, TLS, STARTTLS for SMTP) with ALPN,
// CA file, client certificate and key. OK is enabled only while the
// options are valid; the label above the buttons says what is wrong.
//
// Secrets: the proxy password is edited here (hidden) and returned in
// options() for the session only; the key passphrase is not edited here
// (the window asks for it when connecting) and is kept from setOptions()
// unless the key file changes. Pins and --insecure are kept as given.
class ConnectionOptionsDialog : public QDialog
{
    Q_OBJECT
public:
    ConnectionOptionsDialog(Dialogs *dialogs, QWidget *parent = nullptr);

    void setOptions(const ConnectionOptions &options);
    ConnectionOptions options() const;

    // Empty when the options can be used, else one sentence saying why not.
    QString problem() const;

    // "TLS · via SOCKS5", "UDP · IPv6", "TCP": the options in a few words.
    static QString summary(const ConnectionOptions &options);

    QComboBox *transportBox() const { return m_transport; }
    QComboBox *familyBox() const { return m_family; }
    QLineEdit *bindAddressEdit() const { return m_bindAddress; }
    QSpinBox *bindPortBox() const { return m_bindPort; }
    QCheckBox *halfCloseBox() const { return m_halfClose; }
    QComboBox *proxyTypeBox() const { return m_proxyType; }
    QLineEdit *proxyHostEdit() const { return m_proxyHost; }
    QSpinBox *proxyPortBox() const { return m_proxyPort; }
    QLineEdit *proxyUserEdit() const { return m_proxyUser; }
    QLineEdit *proxyPasswordEdit() const { return m_proxyPassword; }
    QComboBox *securityBox() const { return m_security; }
    QLineEdit *alpnEdit() const { return m_alpn; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QLineEdit *certFileEdit() const { return m_certFile; }
    QLineEdit *keyFileEdit() const { return m_keyFile; }
    QDialogButtonBox *buttonBox() const { return m_buttons; }

private:
    void updateControls();
    QWidget *fileRow(QLineEdit *edit, const QString &what, const QString &objectName);

    Dialogs *m_dialogs;
    ConnectionOptions m_given; // what setOptions() had: passphrase, pins, insecure
    QComboBox *m_transport;
    QComboBox *m_family;
    QLineEdit *m_bindAddress;
    QSpinBox *m_bindPort;
    QCheckBox *m_halfClose;
    QComboBox *m_proxyType;
    QLineEdit *m_proxyHost;
    QSpinBox *m_proxyPort;
    QLineEdit *m_proxyUser;
    QLineEdit *m_proxyPassword;
    QComboBox *m_security;
    QLineEdit *m_alpn;
    QLineEdit *m_caFile;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QLabel *m_pins;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};
