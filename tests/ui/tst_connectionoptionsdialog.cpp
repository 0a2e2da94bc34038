// ConnectionOptionsDialog: every field round-trips, invalid input keeps OK
// disabled and says why, UDP disables what does not apply, file pickers go
// through Dialogs, and every control is named for screen readers.
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "connectionoptionsdialog.h"
#include "fakedialogs.h"

class ConnectionOptionsDialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void everyFieldRoundTrips();
    void defaultsArePlainTcp();
    void summary_data();
    void summary();
    void invalidInputDisablesOk_data();
    void invalidInputDisablesOk();
    void udpDisablesWhatDoesNotApply();
    void passphraseKeptUnlessTheKeyChanges();
    void browseFillsTheField();
    void typingAndReturnAccepts();
    void restoreDefaultsKeepsPins();
    void everyControlIsNamed();
    void mnemonicsAreUnique();

private:
    QPushButton *ok(ConnectionOptionsDialog &dialog)
    {
        return dialog.buttonBox()->button(QDialogButtonBox::Ok);
    }
    QString file(const QString &name)
    {
        const QString path = m_dir->filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write("pem");
        return path;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    FakeDialogs m_dialogs;
};

void ConnectionOptionsDialogTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dialogs = FakeDialogs();
}

void ConnectionOptionsDialogTest::everyFieldRoundTrips()
{
    ConnectionOptions options;
    options.halfClose = true;
    options.proxy.type = ProxySettings::Type::Socks5;
    options.proxy.host = QStringLiteral("proxy.example");
    options.proxy.port = 1080;
    options.proxy.user = QStringLiteral("alice");
    options.proxy.password = QStringLiteral("secret");
    options.tls.enabled = true;
    options.tls.startTls = TlsSettings::StartTls::Smtp;
    options.tls.alpn = QStringList{QStringLiteral("h2"), QStringLiteral("http/1.1")};
    options.tls.caFile = file(QStringLiteral("ca.pem"));
    options.tls.certFile = file(QStringLiteral("c.pem"));
    options.tls.keyFile = file(QStringLiteral("k.pem"));
    options.tls.keyPassphrase = "sesame";
    options.tls.pins = {QByteArray(32, '\x11')};

    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.setOptions(options);
    QCOMPARE(dialog.problem(), QString());
    QVERIFY(ok(dialog)->isEnabled());
    QCOMPARE(dialog.options(), options);
    options.proxy.type = ProxySettings::Type::None;
    options.family = ConnectionOptions::Family::IPv6;
    options.bindAddress = QHostAddress(QStringLiteral("::1"));
    options.bindPort = 4000;
    dialog.setOptions(options);
    QCOMPARE(dialog.problem(), QString());
    QCOMPARE(dialog.options(), options);
    QCOMPARE(dialog.proxyPasswordEdit()->echoMode(), QLineEdit::Password);
    QCOMPARE(dialog.alpnEdit()->text(), QStringLiteral("h2, http/1.1"));
    QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("pinsNote"))->text().contains(QStringLiteral("11:11:11")));

    options.transport = ConnectionOptions::Transport::Udp;
    options.halfClose = false;
    options.proxy = ProxySettings();
    options.tls = TlsSettings();
    options.family = ConnectionOptions::Family::IPv4;
    options.bindAddress = QHostAddress(QStringLiteral("127.0.0.1"));
    options.bindPort = 0;
    dialog.setOptions(options);
    QCOMPARE(dialog.options(), options);
}

void ConnectionOptionsDialogTest::defaultsArePlainTcp()
{
    ConnectionOptionsDialog dialog(&m_dialogs);
    QCOMPARE(dialog.options(), ConnectionOptions());
    QVERIFY(ok(dialog)->isEnabled());
    QCOMPARE(dialog.bindPortBox()->text(), QStringLiteral("any"));
}

void ConnectionOptionsDialogTest::summary_data()
{
    QTest::addColumn<ConnectionOptions>("options");
    QTest::addColumn<QString>("expected");
    ConnectionOptions plain;
    QTest::newRow("tcp") << plain << QStringLiteral("TCP");
    ConnectionOptions tlsSocks;
    tlsSocks.tls.enabled = true;
    tlsSocks.proxy.type = ProxySettings::Type::Socks5;
    QTest::newRow("tls socks") << tlsSocks << QStringLiteral("TLS \u00b7 via SOCKS5");
    ConnectionOptions udp6;
    udp6.transport = ConnectionOptions::Transport::Udp;
    udp6.family = ConnectionOptions::Family::IPv6;
    udp6.bindPort = 5353;
    QTest::newRow("udp") << udp6 << QStringLiteral("UDP \u00b7 IPv6 \u00b7 from port 5353");
    ConnectionOptions smtp;
    smtp.tls.enabled = true;
    smtp.tls.startTls = TlsSettings::StartTls::Smtp;
    smtp.proxy.type = ProxySettings::Type::Http;
    smtp.halfClose = true;
    smtp.bindAddress = QHostAddress(QStringLiteral("::1"));
    QTest::newRow("starttls") << smtp << QStringLiteral("STARTTLS \u00b7 from [::1] \u00b7 via HTTP proxy \u00b7 half-close");
}

void ConnectionOptionsDialogTest::summary()
{
    QFETCH(ConnectionOptions, options);
    QFETCH(QString, expected);
    QCOMPARE(ConnectionOptionsDialog::summary(options), expected);
}

void ConnectionOptionsDialogTest::invalidInputDisablesOk_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem");
    QTest::newRow("bind not an address") << QStringLiteral("bindAddress") << QStringLiteral("localhost")
                                         << QStringLiteral("local address must be an IPv4 or IPv6 address");
    QTest::newRow("cert without key") << QStringLiteral("certFile") << QStringLiteral("@cert")
                                      << QStringLiteral("needs its key file");
    QTest::newRow("key without cert") << QStringLiteral("keyFile") << QStringLiteral("@key")
                                      << QStringLiteral("needs its certificate file");
    QTest::newRow("missing CA file") << QStringLiteral("caFile") << QStringLiteral("/nonexistent/ca.pem")
                                     << QStringLiteral("CA file: no such file");
}

void ConnectionOptionsDialogTest::invalidInputDisablesOk()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    QFETCH(QString, problem);
    if (text.startsWith(QLatin1Char('@')))
        text = file(text.mid(1));
    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.show();
    auto *edit = dialog.findChild<QLineEdit *>(field);
    QVERIFY(edit);
    edit->setFocus();
    QTest::keyClicks(edit, text);
    QVERIFY(!ok(dialog)->isEnabled());
    auto *label = dialog.findChild<QLabel *>(QStringLiteral("optionsProblem"));
    QVERIFY2(label->text().contains(problem), qPrintable(label->text()));
    QVERIFY(label->isVisible());
    QCOMPARE(label->accessibleName(), label->text());
    // Return does not accept invalid options.
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    edit->clear();
    QVERIFY(ok(dialog)->isEnabled());
    QVERIFY(label->isHidden());
}

void ConnectionOptionsDialogTest::udpDisablesWhatDoesNotApply()
{
    ConnectionOptions options;
    options.halfClose = true;
    options.tls.enabled = true;
    options.proxy.type = ProxySettings::Type::Socks5;
    options.proxy.host = QStringLiteral("127.0.0.1");
    options.proxy.port = 1080;
    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.setOptions(options);
    QVERIFY(dialog.proxyHostEdit()->isEnabled());
    // As on the command line: no local bind or family through a proxy.
    dialog.familyBox()->setCurrentIndex(dialog.familyBox()->findText(QStringLiteral("IPv4 only")));
    QVERIFY(dialog.problem().contains(QStringLiteral("proxy connects and resolves")));
    QVERIFY(!ok(dialog)->isEnabled());
    dialog.familyBox()->setCurrentIndex(0);
    QVERIFY(ok(dialog)->isEnabled());
    dialog.transportBox()->setCurrentIndex(dialog.transportBox()->findText(QStringLiteral("UDP")));
    QVERIFY(!dialog.halfCloseBox()->isEnabled());
    QVERIFY(!dialog.proxyTypeBox()->isEnabled());
    QVERIFY(!dialog.proxyHostEdit()->isEnabled());
    QVERIFY(!dialog.securityBox()->isEnabled());
    QVERIFY(!dialog.caFileEdit()->isEnabled());
    const ConnectionOptions udp = dialog.options();
    QCOMPARE(udp.transport, ConnectionOptions::Transport::Udp);
    QVERIFY(!udp.halfClose);
    QVERIFY(!udp.tls.enabled);
    QCOMPARE(udp.proxy.type, ProxySettings::Type::None);
    // Back to TCP: the values were kept.
    dialog.transportBox()->setCurrentIndex(dialog.transportBox()->findText(QStringLiteral("TCP")));
    QCOMPARE(dialog.options(), options);
}

void ConnectionOptionsDialogTest::passphraseKeptUnlessTheKeyChanges()
{
    ConnectionOptions options;
    options.tls.certFile = file(QStringLiteral("c.pem"));
    options.tls.keyFile = file(QStringLiteral("k.pem"));
    options.tls.keyPassphrase = "sesame";
    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.setOptions(options);
    QCOMPARE(dialog.options().tls.keyPassphrase, QByteArray("sesame"));
    dialog.keyFileEdit()->setText(file(QStringLiteral("other.pem")));
    QVERIFY(dialog.options().tls.keyPassphrase.isEmpty());
}

void ConnectionOptionsDialogTest::browseFillsTheField()
{
    const QString ca = file(QStringLiteral("ca.pem"));
    m_dialogs.openChoices.enqueue(ca);
    m_dialogs.openChoices.enqueue(QString()); // cancelled
    ConnectionOptionsDialog dialog(&m_dialogs);
    auto *browse = dialog.findChild<QPushButton *>(QStringLiteral("browseCaFile"));
    QVERIFY(browse);
    browse->click();
    QCOMPARE(m_dialogs.openDialogs, 1);
    QCOMPARE(dialog.options().tls.caFile, ca);
    browse->click();
    QCOMPARE(dialog.options().tls.caFile, ca); // cancel changes nothing
    QCOMPARE(m_dialogs.unexpected, 0);
}

void ConnectionOptionsDialogTest::typingAndReturnAccepts()
{
    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.proxyTypeBox()->setFocus();
    dialog.proxyTypeBox()->setCurrentIndex(dialog.proxyTypeBox()->findText(QStringLiteral("HTTP CONNECT")));
    QVERIFY(!ok(dialog)->isEnabled()); // no host yet
    QTest::keyClicks(dialog.proxyHostEdit(), QStringLiteral("127.0.0.1"));
    QVERIFY(!ok(dialog)->isEnabled()); // no port yet
    dialog.proxyPortBox()->setFocus();
    QTest::keyClick(dialog.proxyPortBox(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(dialog.proxyPortBox(), QStringLiteral("3128"));
    QTest::keyClicks(dialog.proxyUserEdit(), QStringLiteral("bob"));
    QTest::keyClicks(dialog.proxyPasswordEdit(), QStringLiteral("hunter2"));
    QVERIFY(ok(dialog)->isEnabled());
    QTest::keyClick(dialog.proxyPasswordEdit(), Qt::Key_Return);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    const ProxySettings proxy = dialog.options().proxy;
    QCOMPARE(proxy.type, ProxySettings::Type::Http);
    QCOMPARE(proxy.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(proxy.port, quint16(3128));
    QCOMPARE(proxy.user, QStringLiteral("bob"));
    QCOMPARE(proxy.password, QStringLiteral("hunter2"));
}

void ConnectionOptionsDialogTest::restoreDefaultsKeepsPins()
{
    ConnectionOptions options;
    options.tls.enabled = true;
    options.tls.pins = {QByteArray(32, '\x22')};
    options.halfClose = true;
    ConnectionOptionsDialog dialog(&m_dialogs);
    dialog.setOptions(options);
    dialog.buttonBox()->button(QDialogButtonBox::RestoreDefaults)->click();
    ConnectionOptions expected;
    expected.tls.pins = options.tls.pins;
    QCOMPARE(dialog.options(), expected);
}

void ConnectionOptionsDialogTest::everyControlIsNamed()
{
    ConnectionOptionsDialog dialog(&m_dialogs);
    int checked = 0;
    const QList<QWidget *> widgets = dialog.findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        const bool control = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
            || qobject_cast<QAbstractSpinBox *>(w) || qobject_cast<QLineEdit *>(w);
        if (!control || w->objectName().startsWith(QLatin1String("qt_")))
            continue;
        if (qobject_cast<QAbstractSpinBox *>(w->parentWidget()) || qobject_cast<QLineEdit *>(w->parentWidget())
            || qobject_cast<QComboBox *>(w->parentWidget()))
            continue;
        ++checked;
        const QString what = QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName();
        QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(what + QLatin1String(" has no accessible name")));
        QVERIFY2(!w->toolTip().isEmpty(), qPrintable(what + QLatin1String(" has no tooltip")));
    }
    QVERIFY(checked >= 18);
    // Every field has a label that focuses it.
    int buddies = 0;
    for (QLabel *label : dialog.findChildren<QLabel *>())
        buddies += label->buddy() ? 1 : 0;
    QCOMPARE(buddies, 14);
    // Tab moves through the fields in reading order.
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.transportBox()->setFocus();
    QStringList order;
    for (int i = 0; i < 8; ++i) {
        order << QApplication::focusWidget()->objectName();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    }
    QCOMPARE(order, (QStringList{QStringLiteral("transport"), QStringLiteral("family"), QStringLiteral("bindAddress"),
                                 QStringLiteral("bindPort"), QStringLiteral("halfClose"), QStringLiteral("proxyType"),
                                 // the proxy's host, port, user and password wait for a proxy type
                                 QStringLiteral("security"), QStringLiteral("alpn")}));
}

void ConnectionOptionsDialogTest::mnemonicsAreUnique()
{
    ConnectionOptionsDialog dialog(&m_dialogs);
    QHash<QString, QString> byKey;
    QStringList texts;
    for (QLabel *label : dialog.findChildren<QLabel *>())
        texts << label->text();
    for (QAbstractButton *button : dialog.findChildren<QAbstractButton *>())
        texts << button->text();
    for (const QString &text : std::as_const(texts)) {
        const QString key = QKeySequence::mnemonic(text).toString();
        if (key.isEmpty())
            continue;
        QVERIFY2(!byKey.contains(key), qPrintable(QStringLiteral("%1: \"%2\" and \"%3\"").arg(key, byKey.value(key), text)));
        byKey.insert(key, text);
    }
    QVERIFY(byKey.size() >= 13);
}

QTEST_MAIN(ConnectionOptionsDialogTest)
#include "tst_connectionoptionsdialog.moc"
