#include <QTest>

#include "smtpstarttls.h"

using Action = SmtpStartTls::Step::Action;

class TestSmtpStartTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fullExchangeByteByByte();
    void leftoverAfterTheFinal220();
    void multiLineGreetingAndCaseInsensitiveCapability();
    void failures_data();
    void failures();
    void overlongLine();
    void ehloNames();
};

void TestSmtpStartTls::fullExchangeByteByByte()
{
    SmtpStartTls smtp(QStringLiteral("[127.0.0.1]"));
    const QByteArray server = "220 mail.example ESMTP\r\n";
    SmtpStartTls::Step step;
    for (const char c : server) {
        QCOMPARE(step.action, Action::NeedMore);
        step = smtp.feed(QByteArray(1, c));
    }
    QCOMPARE(step.action, Action::Send);
    QCOMPARE(step.bytes, QByteArrayLiteral("EHLO [127.0.0.1]\r\n"));
    step = smtp.feed("250-mail.example\r\n250-SIZE 100\r\n");
    QCOMPARE(step.action, Action::NeedMore);
    step = smtp.feed("250 STARTTLS\r\n");
    QCOMPARE(step.action, Action::Send);
    QCOMPARE(step.bytes, QByteArrayLiteral("STARTTLS\r\n"));
    step = smtp.feed("220 go ahead\r\n");
    QCOMPARE(step.action, Action::Upgrade);
    QCOMPARE(step.leftover, 0);
    QVERIFY(smtp.isFinished());
    QCOMPARE(smtp.feed("anything").action, Action::Upgrade);
}

void TestSmtpStartTls::leftoverAfterTheFinal220()
{
    SmtpStartTls smtp(QStringLiteral("x"));
    QCOMPARE(smtp.feed("220 hi\r\n").action, Action::Send);
    QCOMPARE(smtp.feed("250-hi\r\n250 STARTTLS\r\n").action, Action::Send);
    const SmtpStartTls::Step step = smtp.feed("220 ready\r\n250 injected\r\n");
    QCOMPARE(step.action, Action::Upgrade);
    QCOMPARE(step.leftover, qsizetype(strlen("250 injected\r\n")));
}

void TestSmtpStartTls::multiLineGreetingAndCaseInsensitiveCapability()
{
    SmtpStartTls smtp(QStringLiteral("x"));
    QCOMPARE(smtp.feed("220-first\n220-second\n").action, Action::NeedMore);
    QCOMPARE(smtp.feed("220 last\n").action, Action::Send);
    QCOMPARE(smtp.feed("250-hi\r\n250 starttls\r\n").action, Action::Send);
}

void TestSmtpStartTls::failures_data()
{
    QTest::addColumn<QByteArray>("server");
    QTest::addColumn<QString>("message");
    QTest::newRow("busy") << QByteArrayLiteral("554 go away\r\n") << QStringLiteral("refused the session: \"554 go away\"");
    QTest::newRow("not smtp") << QByteArrayLiteral("SSH-2.0-OpenSSH\r\n") << QStringLiteral("does not speak SMTP");
    QTest::newRow("no starttls") << QByteArrayLiteral("220 hi\r\n250-hi\r\n250 SIZE 10\r\n")
                                 << QStringLiteral("does not offer STARTTLS");
    QTest::newRow("starttls only in the greeting line") << QByteArrayLiteral("220 hi\r\n250 STARTTLS\r\n")
                                                        << QStringLiteral("does not offer STARTTLS");
    QTest::newRow("ehlo refused") << QByteArrayLiteral("220 hi\r\n502 no\r\n") << QStringLiteral("refused EHLO");
    QTest::newRow("starttls refused") << QByteArrayLiteral("220 hi\r\n250-hi\r\n250 STARTTLS\r\n454 not now\r\n")
                                      << QStringLiteral("refused STARTTLS: \"454 not now\"");
    QTest::newRow("mixed codes") << QByteArrayLiteral("220-hi\r\n250 oops\r\n") << QStringLiteral("malformed reply");
}

void TestSmtpStartTls::failures()
{
    QFETCH(QByteArray, server);
    QFETCH(QString, message);
    SmtpStartTls smtp(QStringLiteral("x"));
    SmtpStartTls::Step step = smtp.feed(server);
    while (step.action == Action::Send)
        step = smtp.feed(QByteArray());
    QCOMPARE(step.action, Action::Fail);
    QVERIFY2(step.message.contains(message), qPrintable(step.message));
}

void TestSmtpStartTls::overlongLine()
{
    SmtpStartTls smtp(QStringLiteral("x"));
    const SmtpStartTls::Step step = smtp.feed(QByteArray(SmtpStartTls::maxLineLength + 1, 'a'));
    QCOMPARE(step.action, Action::Fail);
    QVERIFY(step.message.contains(QStringLiteral("longer than")));
}

void TestSmtpStartTls::ehloNames()
{
    QCOMPARE(SmtpStartTls::ehloNameFor(QStringLiteral("127.0.0.1"), false), QStringLiteral("[127.0.0.1]"));
    QCOMPARE(SmtpStartTls::ehloNameFor(QStringLiteral("::1"), true), QStringLiteral("[IPv6:::1]"));
}

QTEST_GUILESS_MAIN(TestSmtpStartTls)
#include "tst_smtpstarttls.moc"
