#include "connectionoptionsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "dialogs.h"

namespace {

enum class Security { Plain, Tls, StartTlsSmtp };

template<typename Enum>
void addItem(QComboBox *box, const QString &text, Enum value, const QString &toolTip)
{
    box->addItem(text, QVariant::fromValue(int(value)));
    box->setItemData(box->count() - 1, toolTip, Qt::ToolTipRole);
}

template<typename Enum>
Enum current(const QComboBox *box)
{
    return static_cast<Enum>(box->currentData().toInt());
}

template<typename Enum>
void select(QComboBox *box, Enum value)
{
    const int index = box->findData(QVariant::fromValue(int(value)));
    box->setCurrentIndex(index < 0 ? 0 : index);
}

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

void describe(QWidget *widget, const QString &objectName, const QString &accessibleName, const QString &toolTip)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    widget->setToolTip(toolTip);
}

} // namespace

ConnectionOptionsDialog::ConnectionOptionsDialog(Dialogs *dialogs, QWidget *parent)
    : QDialog(parent)
    , m_dialogs(dialogs)
{
    setObjectName(QStringLiteral("connectionOptionsDialog"));
    setWindowTitle(tr("Connection Options"));
    setAccessibleName(windowTitle());

    // Network
    m_transport = new QComboBox(this);
    describe(m_transport, QStringLiteral("transport"), tr("Transport"),
             tr("TCP: a stream. UDP: each send is one datagram"));
    addItem(m_transport, tr("TCP"), ConnectionOptions::Transport::Tcp, tr("A connection-oriented byte stream"));
    addItem(m_transport, tr("UDP"), ConnectionOptions::Transport::Udp,
            tr("Datagrams: each Send is one datagram; each one received is shown with its source"));
    m_family = new QComboBox(this);
    describe(m_family, QStringLiteral("family"), tr("Address family"),
             tr("Which of the host's addresses to try (like -4 and -6)"));
    addItem(m_family, tr("Any (IPv4 or IPv6)"), ConnectionOptions::Family::Any,
            tr("Try every address the host name resolves to"));
    addItem(m_family, tr("IPv4 only"), ConnectionOptions::Family::IPv4, tr("Use IPv4 addresses only (-4)"));
    addItem(m_family, tr("IPv6 only"), ConnectionOptions::Family::IPv6, tr("Use IPv6 addresses only (-6)"));
    m_bindAddress = new QLineEdit(this);
    describe(m_bindAddress, QStringLiteral("bindAddress"), tr("Local address"),
             tr("Local IP address to send from (IPv4 or IPv6); empty for any"));
    m_bindAddress->setPlaceholderText(tr("any"));
    m_bindAddress->setClearButtonEnabled(true);
    m_bindPort = new QSpinBox(this);
    describe(m_bindPort, QStringLiteral("bindPort"), tr("Local port"), tr("Local port to send from; any when 0"));
    m_bindPort->setRange(0, 65535);
    m_bindPort->setSpecialValueText(tr("any"));
    m_bindPort->setGroupSeparatorShown(false);
    m_halfClose = new QCheckBox(tr("&Half-close: end the sending side once the request is written"), this);
    describe(m_halfClose, QStringLiteral("halfClose"), tr("Half-close"),
             tr("Shut down the sending side after each request is written (like nc -N), for services that read "
                "until the end of their input"));

    auto *network = new QGroupBox(tr("Network"), this);
    auto *networkForm = new QFormLayout(network);
    networkForm->addRow(buddyLabel(tr("&Transport:"), m_transport, this), m_transport);
    networkForm->addRow(buddyLabel(tr("Address &family:"), m_family, this), m_family);
    auto *bindRow = new QHBoxLayout;
    bindRow->addWidget(m_bindAddress, 1);
    bindRow->addWidget(buddyLabel(tr("P&ort:"), m_bindPort, this));
    bindRow->addWidget(m_bindPort);
    networkForm->addRow(buddyLabel(tr("&Local address:"), m_bindAddress, this), bindRow);
    networkForm->addRow(m_halfClose);

    // Proxy
    m_proxyType = new QComboBox(this);
    describe(m_proxyType, QStringLiteral("proxyType"), tr("Proxy"), tr("Connect directly or through a proxy"));
    addItem(m_proxyType, tr("None (direct)"), ProxySettings::Type::None,
            tr("Connect directly, whatever the system proxy setting"));
    addItem(m_proxyType, tr("System setting"), ProxySettings::Type::System, tr("Use the system's proxy setting"));
    addItem(m_proxyType, tr("SOCKS5"), ProxySettings::Type::Socks5, tr("A SOCKS5 proxy"));
    addItem(m_proxyType, tr("HTTP CONNECT"), ProxySettings::Type::Http, tr("An HTTP proxy, through CONNECT"));
    m_proxyHost = new QLineEdit(this);
    describe(m_proxyHost, QStringLiteral("proxyHost"), tr("Proxy host"), tr("The proxy's host name or address"));
    m_proxyPort = new QSpinBox(this);
    describe(m_proxyPort, QStringLiteral("proxyPort"), tr("Proxy port"), tr("The proxy's port, 1 to 65535"));
    m_proxyPort->setRange(0, 65535);
    m_proxyPort->setSpecialValueText(tr("none"));
    m_proxyPort->setGroupSeparatorShown(false);
    m_proxyUser = new QLineEdit(this);
    describe(m_proxyUser, QStringLiteral("proxyUser"), tr("Proxy user"), tr("User name for the proxy; empty for none"));
    m_proxyPassword = new QLineEdit(this);
    describe(m_proxyPassword, QStringLiteral("proxyPassword"), tr("Proxy password"),
             tr("Password for the proxy: kept in memory until Socketeer quits, never written to the settings"));
    m_proxyPassword->setEchoMode(QLineEdit::Password);

    auto *proxy = new QGroupBox(tr("Proxy"), this);
    auto *proxyForm = new QFormLayout(proxy);
    proxyForm->addRow(buddyLabel(tr("&Proxy:"), m_proxyType, this), m_proxyType);
    auto *proxyRow = new QHBoxLayout;
    proxyRow->addWidget(m_proxyHost, 1);
    proxyRow->addWidget(buddyLabel(tr("Po&rt:"), m_proxyPort, this));
    proxyRow->addWidget(m_proxyPort);
    proxyForm->addRow(buddyLabel(tr("Pro&xy host:"), m_proxyHost, this), proxyRow);
    proxyForm->addRow(buddyLabel(tr("&User:"), m_proxyUser, this), m_proxyUser);
    proxyForm->addRow(buddyLabel(tr("Pass&word:"), m_proxyPassword, this), m_proxyPassword);

    // Security
    m_security = new QComboBox(this);
    describe(m_security, QStringLiteral("security"), tr("Security"),
             tr("Plain TCP, TLS from the first byte, or STARTTLS (SMTP: EHLO, STARTTLS, then TLS)"));
    addItem(m_security, tr("None (plain TCP)"), Security::Plain,
            tr("No encryption; Start TLS can still upgrade the connection later"));
    addItem(m_security, tr("TLS"), Security::Tls, tr("TLS from the first byte; the certificate is verified"));
    addItem(m_security, tr("STARTTLS (SMTP)"), Security::StartTlsSmtp,
            tr("Plain SMTP greeting, EHLO and STARTTLS, then the TLS handshake"));
    m_alpn = new QLineEdit(this);
    describe(m_alpn, QStringLiteral("alpn"), tr("ALPN protocols"),
             tr("Application protocols to offer, in order, separated by commas (e.g. h2, http/1.1); empty for none"));
    m_alpn->setPlaceholderText(tr("e.g. h2, http/1.1"));
    m_caFile = new QLineEdit(this);
    describe(m_caFile, QStringLiteral("caFile"), tr("CA file"),
             tr("PEM file of certificate authorities to trust besides the system's"));
    m_certFile = new QLineEdit(this);
    describe(m_certFile, QStringLiteral("certFile"), tr("Client certificate"),
             tr("PEM file of the certificate to present to the server"));
    m_keyFile = new QLineEdit(this);
    describe(m_keyFile, QStringLiteral("keyFile"), tr("Client key"),
             tr("PEM file of the client certificate's private key; if it is encrypted, the passphrase is asked "
                "for when connecting"));
    m_pins = new QLabel(this);
    m_pins->setObjectName(QStringLiteral("pinsNote"));
    m_pins->setWordWrap(true);

    auto *security = new QGroupBox(tr("Security"), this);
    auto *securityForm = new QFormLayout(security);
    securityForm->addRow(buddyLabel(tr("&Security:"), m_security, this), m_security);
    securityForm->addRow(buddyLabel(tr("&ALPN:"), m_alpn, this), m_alpn);
    securityForm->addRow(buddyLabel(tr("&CA file:"), m_caFile, this),
                         fileRow(m_caFile, tr("CA file"), QStringLiteral("browseCaFile")));
    securityForm->addRow(buddyLabel(tr("Client c&ertificate:"), m_certFile, this),
                         fileRow(m_certFile, tr("client certificate"), QStringLiteral("browseCertFile")));
    securityForm->addRow(buddyLabel(tr("Client &key:"), m_keyFile, this),
                         fileRow(m_keyFile, tr("client key"), QStringLiteral("browseKeyFile")));
    securityForm->addRow(m_pins);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("optionsProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    QPalette palette = m_problem->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x00, 0x20));
    m_problem->setPalette(palette);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                         | QDialogButtonBox::RestoreDefaults,
                                     this);
    m_buttons->button(QDialogButtonBox::Ok)->setAccessibleName(tr("OK"));
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(tr("Use these options for the next connection"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    m_buttons->button(QDialogButtonBox::Cancel)->setToolTip(tr("Keep the options as they were"));
    QPushButton *defaults = m_buttons->button(QDialogButtonBox::RestoreDefaults);
    defaults->setAccessibleName(tr("Restore defaults"));
    defaults->setToolTip(tr("Plain TCP, any address, no proxy"));
    defaults->setAutoDefault(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(defaults, &QPushButton::clicked, this, [this] {
        ConnectionOptions options;
        options.tls.pins = m_given.tls.pins;
        setOptions(options);
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(network);
    layout->addWidget(proxy);
    layout->addWidget(security);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    for (QComboBox *box : {m_transport, m_family, m_proxyType, m_security})
        connect(box, &QComboBox::currentIndexChanged, this, &ConnectionOptionsDialog::updateControls);
    for (QLineEdit *edit : {m_bindAddress, m_proxyHost, m_certFile, m_keyFile, m_caFile, m_alpn})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionOptionsDialog::updateControls);
    connect(m_proxyPort, &QSpinBox::valueChanged, this, &ConnectionOptionsDialog::updateControls);
    connect(m_halfClose, &QCheckBox::toggled, this, &ConnectionOptionsDialog::updateControls);

    setOptions(ConnectionOptions());
    const QFontMetrics metrics(font());
    resize(metrics.horizontalAdvance(QLatin1Char('M')) * 48, sizeHint().height());
}

QWidget *ConnectionOptionsDialog::fileRow(QLineEdit *edit, const QString &what, const QString &objectName)
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    edit->setParent(row);
    edit->setClearButtonEnabled(true);
    auto *browse = new QPushButton(tr("Browse..."), row);
    browse->setObjectName(objectName);
    browse->setAccessibleName(tr("Browse for the %1").arg(what));
    browse->setToolTip(tr("Choose the %1").arg(what));
    browse->setAutoDefault(false);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this, edit, what] {
        const QString start = edit->text().isEmpty() ? QDir::homePath() : QFileInfo(edit->text()).absolutePath();
        const QString path = m_dialogs->chooseOpenFile(this, tr("Choose the %1").arg(what), start,
                                                       {tr("PEM files (*.pem *.crt *.key)"), tr("All files (*)")});
        if (!path.isEmpty())
            edit->setText(QDir::toNativeSeparators(path));
    });
    return row;
}

void ConnectionOptionsDialog::setOptions(const ConnectionOptions &options)
{
    m_given = options;
    select(m_transport, options.transport);
    select(m_family, options.family);
    m_bindAddress->setText(options.bindAddress.isNull() ? QString() : options.bindAddress.toString());
    m_bindPort->setValue(options.bindPort);
    m_halfClose->setChecked(options.halfClose);
    select(m_proxyType, options.proxy.type);
    m_proxyHost->setText(options.proxy.host);
    m_proxyPort->setValue(options.proxy.port);
    m_proxyUser->setText(options.proxy.user);
    m_proxyPassword->setText(options.proxy.password);
    Security security = Security::Plain;
    if (options.tls.enabled)
        security = options.tls.startTls == TlsSettings::StartTls::Smtp ? Security::StartTlsSmtp : Security::Tls;
    select(m_security, security);
    m_alpn->setText(options.tls.alpn.join(QStringLiteral(", ")));
    m_caFile->setText(options.tls.caFile);
    m_certFile->setText(options.tls.certFile);
    m_keyFile->setText(options.tls.keyFile);
    if (options.tls.pins.isEmpty()) {
        m_pins->hide();
    } else {
        QStringList pins;
        for (const QByteArray &pin : options.tls.pins)
            pins << TlsSettings::formatFingerprint(pin);
        m_pins->setText(tr("Pinned by --trust for this run: %1").arg(pins.join(QStringLiteral(", "))));
        m_pins->setAccessibleName(m_pins->text());
        m_pins->show();
    }
    updateControls();
}

ConnectionOptions ConnectionOptionsDialog::options() const
{
    ConnectionOptions options;
    options.transport = current<ConnectionOptions::Transport>(m_transport);
    const bool udp = options.transport == ConnectionOptions::Transport::Udp;
    options.family = current<ConnectionOptions::Family>(m_family);
    options.bindAddress = QHostAddress(m_bindAddress->text().trimmed().remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    options.bindPort = quint16(m_bindPort->value());
    options.halfClose = !udp && m_halfClose->isChecked();
    if (!udp)
        options.proxy.type = current<ProxySettings::Type>(m_proxyType);
    options.proxy.host = m_proxyHost->text().trimmed();
    options.proxy.port = quint16(m_proxyPort->value());
    options.proxy.user = m_proxyUser->text();
    options.proxy.password = m_proxyPassword->text();
    const Security security = udp ? Security::Plain : current<Security>(m_security);
    options.tls.enabled = security != Security::Plain;
    options.tls.startTls = security == Security::StartTlsSmtp ? TlsSettings::StartTls::Smtp : TlsSettings::StartTls::None;
    const QStringList alpn = m_alpn->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &protocol : alpn) {
        if (!protocol.trimmed().isEmpty())
            options.tls.alpn << protocol.trimmed();
    }
    options.tls.caFile = QDir::fromNativeSeparators(m_caFile->text().trimmed());
    options.tls.certFile = QDir::fromNativeSeparators(m_certFile->text().trimmed());
    options.tls.keyFile = QDir::fromNativeSeparators(m_keyFile->text().trimmed());
    if (options.tls.keyFile == m_given.tls.keyFile)
        options.tls.keyPassphrase = m_given.tls.keyPassphrase;
    options.tls.pins = m_given.tls.pins;
    options.tls.insecure = m_given.tls.insecure;
    return options;
}

QString ConnectionOptionsDialog::problem() const
{
    const QString bind = m_bindAddress->text().trimmed();
    if (!bind.isEmpty()) {
        QString stripped = bind;
        if (stripped.startsWith(QLatin1Char('[')) && stripped.endsWith(QLatin1Char(']')))
            stripped = stripped.mid(1, stripped.size() - 2);
        if (QHostAddress(stripped).isNull())
            return tr("The local address must be an IPv4 or IPv6 address, not \"%1\".").arg(bind);
    }
    const bool udp = current<ConnectionOptions::Transport>(m_transport) == ConnectionOptions::Transport::Udp;
    const auto proxyType = current<ProxySettings::Type>(m_proxyType);
    if (!udp && (proxyType == ProxySettings::Type::Socks5 || proxyType == ProxySettings::Type::Http)) {
        if (m_proxyHost->text().trimmed().isEmpty())
            return tr("Enter the proxy's host.");
        if (m_proxyPort->value() == 0)
            return tr("Enter the proxy's port.");
        if (!m_bindAddress->text().trimmed().isEmpty() || m_bindPort->value() != 0
            || current<ConnectionOptions::Family>(m_family) != ConnectionOptions::Family::Any)
            return tr("Through a proxy, the proxy connects and resolves: leave the local address, port and "
                      "address family unset.");
    }
    const bool cert = !m_certFile->text().trimmed().isEmpty();
    const bool key = !m_keyFile->text().trimmed().isEmpty();
    if (cert != key)
        return cert ? tr("A client certificate needs its key file.") : tr("A client key needs its certificate file.");
    for (QLineEdit *edit : {m_caFile, m_certFile, m_keyFile}) {
        const QString path = edit->text().trimmed();
        if (!path.isEmpty() && !QFileInfo(path).isFile())
            return tr("%1: no such file: %2").arg(edit->accessibleName(), path);
    }
    return QString();
}

void ConnectionOptionsDialog::updateControls()
{
    const bool udp = current<ConnectionOptions::Transport>(m_transport) == ConnectionOptions::Transport::Udp;
    const auto proxyType = current<ProxySettings::Type>(m_proxyType);
    const bool explicitProxy = proxyType == ProxySettings::Type::Socks5 || proxyType == ProxySettings::Type::Http;
    // UDP goes neither through a proxy nor through TLS here, and has no
    // sending side to close: those controls wait, with their values, for TCP.
    m_halfClose->setEnabled(!udp);
    m_proxyType->setEnabled(!udp);
    for (QWidget *w : {static_cast<QWidget *>(m_proxyHost), static_cast<QWidget *>(m_proxyPort),
                       static_cast<QWidget *>(m_proxyUser), static_cast<QWidget *>(m_proxyPassword)})
        w->setEnabled(!udp && explicitProxy);
    m_security->setEnabled(!udp);
    for (QLineEdit *edit : {m_caFile, m_certFile, m_keyFile})
        edit->parentWidget()->setEnabled(!udp); // the edit and its Browse button
    m_alpn->setEnabled(!udp);

    const QString why = problem();
    m_problem->setText(why);
    m_problem->setAccessibleName(why.isEmpty() ? tr("No problem") : why);
    m_problem->setVisible(!why.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

QString ConnectionOptionsDialog::summary(const ConnectionOptions &options)
{
    QStringList parts;
    if (options.transport == ConnectionOptions::Transport::Udp)
        parts << tr("UDP");
    else if (options.tls.enabled && options.tls.startTls == TlsSettings::StartTls::Smtp)
        parts << tr("STARTTLS");
    else if (options.tls.enabled)
        parts << tr("TLS");
    else
        parts << tr("TCP");
    if (options.family == ConnectionOptions::Family::IPv4)
        parts << tr("IPv4");
    else if (options.family == ConnectionOptions::Family::IPv6)
        parts << tr("IPv6");
    if (!options.bindAddress.isNull() || options.bindPort != 0)
        parts << tr("from %1").arg(options.bindAddress.isNull() && options.bindPort != 0
                                       ? tr("port %1").arg(options.bindPort)
                                       : ConnectionOptions::formatBind(options.bindAddress, options.bindPort));
    if (options.transport == ConnectionOptions::Transport::Tcp) {
        switch (options.proxy.type) {
        case ProxySettings::Type::System:
            parts << tr("via system proxy");
            break;
        case ProxySettings::Type::Socks5:
            parts << tr("via SOCKS5");
            break;
        case ProxySettings::Type::Http:
            parts << tr("via HTTP proxy");
            break;
        case ProxySettings::Type::None:
            break;
        }
        if (options.halfClose)
            parts << tr("half-close");
    }
    if (!options.tls.pins.isEmpty())
        parts << tr("pinned");
    return parts.join(QStringLiteral(" \u00b7 "));
}
