#include <QTest>

#include "requestcodec.h"

using Mode = RequestCodec::Mode;
using LineEnding = RequestCodec::LineEnding;
using Preset = RequestCodec::Preset;

Q_DECLARE_METATYPE(RequestCodec::Preset)

// RequestCodec: the bytes for what a person typed, and the exact position
// of the first mistake.
class TestRequestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_data();
    void text();
    void verbatim_data();
    void verbatim();
    void hex_data();
    void hex();
    void invalid_data();
    void invalid();
    void errorToString();
    void presets_data();
    void presets();
    void presetEncodesAsHttp();
    void names();
};

void TestRequestCodec::text_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<LineEnding>("lineEnding");
    QTest::addColumn<QByteArray>("expected");

    const auto both = [](const char *name, const QString &input, const QByteArray &expected) {
        // Rows without typed newlines: the line ending must not matter.
        for (const LineEnding ending : {LineEnding::LF, LineEnding::CRLF, LineEnding::None}) {
            QTest::addRow("%s/%s", name, qPrintable(RequestCodec::lineEndingName(ending)))
                << input << ending << expected;
        }
    };

    both("empty", QString(), QByteArray());
    both("plain ASCII", QStringLiteral("GET / HTTP/1.0"), QByteArrayLiteral("GET / HTTP/1.0"));

    // Every escape.
    both("\\r", QStringLiteral("a\\rb"), QByteArrayLiteral("a\rb"));
    both("\\n is one LF", QStringLiteral("a\\nb"), QByteArrayLiteral("a\nb"));
    both("\\t", QStringLiteral("a\\tb"), QByteArrayLiteral("a\tb"));
    both("\\\\", QStringLiteral("a\\\\b"), QByteArrayLiteral("a\\b"));
    both("\\0", QStringLiteral("a\\0b"), QByteArray("a\0b", 3));
    both("\\0 then digit, no octal", QStringLiteral("\\01"), QByteArray("\0" "1", 2));
    both("\\0\\0", QStringLiteral("\\0\\0"), QByteArray(2, '\0'));
    both("\\x lower", QStringLiteral("\\x0d\\x0a"), QByteArrayLiteral("\r\n"));
    both("\\x upper", QStringLiteral("\\x4A\\x4B"), QByteArrayLiteral("JK"));
    both("\\x mixed case", QStringLiteral("\\xaB\\xAb"), QByteArrayLiteral("\xab\xab"));
    both("\\x00", QStringLiteral("\\x00"), QByteArray(1, '\0'));
    both("\\xff is one byte, not UTF-8", QStringLiteral("\\xff"), QByteArrayLiteral("\xff"));
    both("\\x takes two digits only", QStringLiteral("\\x411"), QByteArrayLiteral("A1"));
    both("escaped backslash before n", QStringLiteral("\\\\n"), QByteArrayLiteral("\\n"));
    both("escaped backslash before x", QStringLiteral("\\\\x4"), QByteArrayLiteral("\\x4"));
    both("escaped CRLF", QStringLiteral("GET /\\r\\n\\r\\n"), QByteArrayLiteral("GET /\r\n\r\n"));
    both("escape at start and end", QStringLiteral("\\tmid\\t"), QByteArrayLiteral("\tmid\t"));

    // UTF-8.
    both("Latin-1 range", QStringLiteral("caf\u00e9"), QByteArrayLiteral("caf\xc3\xa9"));
    both("CJK", QStringLiteral("\u65e5\u672c"), QByteArrayLiteral("\xe6\x97\xa5\xe6\x9c\xac"));
    both("outside the BMP", QString::fromUtf8("\xf0\x9f\x98\x80"), QByteArrayLiteral("\xf0\x9f\x98\x80"));
    both("non-ASCII around escapes", QStringLiteral("\u00e9\\t\u00fc\\x41"), QByteArrayLiteral("\xc3\xa9\t\xc3\xbc" "A"));
    both("lone typed CR is a plain character", QStringLiteral("a\rb"), QByteArrayLiteral("a\rb"));

    // Typed newlines take the chosen line ending.
    QTest::newRow("typed LF/LF") << QStringLiteral("a\nb\n") << LineEnding::LF << QByteArrayLiteral("a\nb\n");
    QTest::newRow("typed LF/CRLF") << QStringLiteral("a\nb\n") << LineEnding::CRLF << QByteArrayLiteral("a\r\nb\r\n");
    QTest::newRow("typed LF/None") << QStringLiteral("a\nb\n") << LineEnding::None << QByteArrayLiteral("ab");
    QTest::newRow("typed CRLF/LF") << QStringLiteral("a\r\nb") << LineEnding::LF << QByteArrayLiteral("a\nb");
    QTest::newRow("typed CRLF/CRLF") << QStringLiteral("a\r\nb") << LineEnding::CRLF << QByteArrayLiteral("a\r\nb");
    QTest::newRow("typed CRLF/None") << QStringLiteral("a\r\nb") << LineEnding::None << QByteArrayLiteral("ab");
    QTest::newRow("blank lines/CRLF") << QStringLiteral("GET /\n\n") << LineEnding::CRLF
                                     << QByteArrayLiteral("GET /\r\n\r\n");
    QTest::newRow("only newlines/None") << QStringLiteral("\n\r\n\n") << LineEnding::None << QByteArray();
    QTest::newRow("escaped \\n stays LF/CRLF") << QStringLiteral("a\\nb\n") << LineEnding::CRLF
                                              << QByteArrayLiteral("a\nb\r\n");
    QTest::newRow("escaped \\n stays LF/None") << QStringLiteral("a\\nb\n") << LineEnding::None
                                              << QByteArrayLiteral("a\nb");
    QTest::newRow("escaped \\r\\n before typed newline/LF")
        << QStringLiteral("a\\r\\n\nb") << LineEnding::LF << QByteArrayLiteral("a\r\n\nb");
    QTest::newRow("UTF-8 across lines/CRLF") << QStringLiteral("\u00e9\n\u00fc") << LineEnding::CRLF
                                            << QByteArrayLiteral("\xc3\xa9\r\n\xc3\xbc");
}

void TestRequestCodec::text()
{
    QFETCH(QString, input);
    QFETCH(LineEnding, lineEnding);
    QFETCH(QByteArray, expected);

    const RequestCodec::Result result = RequestCodec::encode(input, Mode::Text, lineEnding);
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QVERIFY(!result.error.isValid());
    QCOMPARE(result.bytes, expected);
}

void TestRequestCodec::verbatim_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("typed LF") << QStringLiteral("a\nb\n") << QByteArrayLiteral("a\nb\n");
    QTest::newRow("typed CRLF") << QStringLiteral("a\r\nb\r\n") << QByteArrayLiteral("a\r\nb\r\n");
    QTest::newRow("typed lone CR") << QStringLiteral("a\rb") << QByteArrayLiteral("a\rb");
    QTest::newRow("mixed typed newlines") << QStringLiteral("1\n2\r\n3\r") << QByteArrayLiteral("1\n2\r\n3\r");
    QTest::newRow("escapes still apply") << QStringLiteral("GET /\\r\\n\\x41\\0\\t\\\\")
                                         << QByteArray("GET /\r\nA\0\t\\", 11);
    QTest::newRow("UTF-8") << QStringLiteral("\u00e9\r\n\u65e5") << QByteArrayLiteral("\xc3\xa9\r\n\xe6\x97\xa5");
}

void TestRequestCodec::verbatim()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, expected);

    const RequestCodec::Result result = RequestCodec::encodeTextVerbatim(input);
    QVERIFY2(result.ok(), qPrintable(result.error.toString()));
    QCOMPARE(result.bytes, expected);
}

void TestRequestCodec::hex_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("whitespace only") << QStringLiteral(" \n\t ") << QByteArray();
    QTest::newRow("spaced pairs") << QStringLiteral("47 45 54 0d 0a") << QByteArrayLiteral("GET\r\n");
    QTest::newRow("contiguous") << QStringLiteral("474554") << QByteArrayLiteral("GET");
    QTest::newRow("groups") << QStringLiteral("4745 540d0a") << QByteArrayLiteral("GET\r\n");
    QTest::newRow("upper case") << QStringLiteral("0D0A") << QByteArrayLiteral("\r\n");
    QTest::newRow("mixed case") << QStringLiteral("aB Ab") << QByteArrayLiteral("\xab\xab");
    QTest::newRow("all values at the edges") << QStringLiteral("00 ff 7f 80") << QByteArray("\0\xff\x7f\x80", 4);
    QTest::newRow("LF between pairs") << QStringLiteral("47\n45\n54") << QByteArrayLiteral("GET");
    QTest::newRow("CRLF between pairs") << QStringLiteral("47\r\n45\r\n") << QByteArrayLiteral("GE");
    QTest::newRow("tabs and runs of spaces") << QStringLiteral("\t47  \t 45   ") << QByteArrayLiteral("GE");
}

void TestRequestCodec::hex()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, expected);

    // The line ending never applies to hex.
    for (const LineEnding ending : {LineEnding::LF, LineEnding::CRLF, LineEnding::None}) {
        const RequestCodec::Result result = RequestCodec::encode(input, Mode::Hex, ending);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.bytes, expected);
    }
}

void TestRequestCodec::invalid_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    const QString needsTwo = QStringLiteral("\"\\x\" needs two hex digits");
    const QString loneAtEnd = QStringLiteral("lone \"\\\" at the end: write \"\\\\\" for a backslash");
    const QString loneAtEol = QStringLiteral("lone \"\\\" at the end of the line: write \"\\\\\" for a backslash");

    // Text mode: unknown escapes.
    QTest::newRow("\\q") << QStringLiteral("\\q") << Mode::Text << 1 << 1 << QStringLiteral("unknown escape \"\\q\"");
    QTest::newRow("\\q on line 2") << QStringLiteral("GET\nabcd\\q") << Mode::Text << 2 << 5
                                   << QStringLiteral("unknown escape \"\\q\"");
    QTest::newRow("\\q after CRLF") << QStringLiteral("a\r\nb\\q") << Mode::Text << 2 << 2
                                    << QStringLiteral("unknown escape \"\\q\"");
    QTest::newRow("\\X is not \\x") << QStringLiteral("\\X41") << Mode::Text << 1 << 1
                                    << QStringLiteral("unknown escape \"\\X\"");
    QTest::newRow("\\1, no octal") << QStringLiteral("\\1") << Mode::Text << 1 << 1
                                   << QStringLiteral("unknown escape \"\\1\"");
    QTest::newRow("\\ space") << QStringLiteral("a\\ b") << Mode::Text << 1 << 2
                              << QStringLiteral("unknown escape \"\\ \"");
    QTest::newRow("\\ tab") << QStringLiteral("\\\t") << Mode::Text << 1 << 1
                            << QStringLiteral("unknown escape \"\\U+0009\"");
    QTest::newRow("\\ lone CR") << QStringLiteral("\\\rx") << Mode::Text << 1 << 1
                                << QStringLiteral("unknown escape \"\\U+000D\"");
    QTest::newRow("\\ non-ASCII") << QStringLiteral("\\\u00e9") << Mode::Text << 1 << 1
                                  << QStringLiteral("unknown escape \"\\\u00e9\"");
    QTest::newRow("\\ outside the BMP") << (QStringLiteral("\\") + QString::fromUtf8("\xf0\x9f\x98\x80"))
                                        << Mode::Text << 1 << 1
                                        << (QStringLiteral("unknown escape \"\\") + QString::fromUtf8("\xf0\x9f\x98\x80")
                                            + QLatin1Char('"'));
    QTest::newRow("columns count UTF-16 units") << (QString::fromUtf8("\xf0\x9f\x98\x80") + QStringLiteral("\u00e9\\q"))
                                                << Mode::Text << 1 << 4 << QStringLiteral("unknown escape \"\\q\"");
    QTest::newRow("first error wins") << QStringLiteral("\\q\\z") << Mode::Text << 1 << 1
                                      << QStringLiteral("unknown escape \"\\q\"");
    QTest::newRow("after an escaped backslash") << QStringLiteral("\\\\\\q") << Mode::Text << 1 << 3
                                                << QStringLiteral("unknown escape \"\\q\"");

    // Text mode: short \x.
    QTest::newRow("\\x at end") << QStringLiteral("ab\\x") << Mode::Text << 1 << 3 << needsTwo;
    QTest::newRow("\\x4 at end") << QStringLiteral("\\x4") << Mode::Text << 1 << 1 << needsTwo;
    QTest::newRow("\\x4 then non-hex") << QStringLiteral("\\x4g") << Mode::Text << 1 << 1 << needsTwo;
    QTest::newRow("\\x then non-hex") << QStringLiteral("ab\\xg1") << Mode::Text << 1 << 3 << needsTwo;
    QTest::newRow("\\x4 then newline") << QStringLiteral("a\n\\x4\n") << Mode::Text << 2 << 1 << needsTwo;
    QTest::newRow("\\x then space") << QStringLiteral("\\x 41") << Mode::Text << 1 << 1 << needsTwo;

    // Text mode: lone backslash.
    QTest::newRow("lone backslash at end") << QStringLiteral("abc\\") << Mode::Text << 1 << 4 << loneAtEnd;
    QTest::newRow("only a backslash") << QStringLiteral("\\") << Mode::Text << 1 << 1 << loneAtEnd;
    QTest::newRow("lone backslash after escaped one") << QStringLiteral("\\\\\\") << Mode::Text << 1 << 3 << loneAtEnd;
    QTest::newRow("lone backslash before LF") << QStringLiteral("x\nab\\\ncd") << Mode::Text << 2 << 3 << loneAtEol;
    QTest::newRow("lone backslash before CRLF") << QStringLiteral("ab\\\r\ncd") << Mode::Text << 1 << 3 << loneAtEol;

    // Hex mode.
    QTest::newRow("hex: non-hex first") << QStringLiteral("zz") << Mode::Hex << 1 << 1
                                        << QStringLiteral("\"z\" is not a hex digit");
    QTest::newRow("hex: non-hex second") << QStringLiteral("4g") << Mode::Hex << 1 << 2
                                         << QStringLiteral("\"g\" is not a hex digit");
    QTest::newRow("hex: comma") << QStringLiteral("47,45") << Mode::Hex << 1 << 3
                                << QStringLiteral("\",\" is not a hex digit");
    QTest::newRow("hex: non-ASCII") << QStringLiteral("47 \u00e9") << Mode::Hex << 1 << 4
                                    << QStringLiteral("\"\u00e9\" is not a hex digit");
    QTest::newRow("hex: control") << QStringLiteral("47\x01") << Mode::Hex << 1 << 3
                                  << QStringLiteral("\"U+0001\" is not a hex digit");
    QTest::newRow("hex: on line 3") << QStringLiteral("47\r\n45\n 5q") << Mode::Hex << 3 << 3
                                    << QStringLiteral("\"q\" is not a hex digit");
    QTest::newRow("hex: 0x prefix") << QStringLiteral("0x47") << Mode::Hex << 1 << 2
                                    << QStringLiteral("\"0x\" prefixes are not accepted: write plain pairs, e.g. \"0d 0a\"");
    QTest::newRow("hex: odd count") << QStringLiteral("474") << Mode::Hex << 1 << 3
                                    << QStringLiteral("odd number of hex digits: \"4\" has no partner");
    QTest::newRow("hex: odd count, spaced") << QStringLiteral("47 45 a") << Mode::Hex << 1 << 7
                                            << QStringLiteral("odd number of hex digits: \"a\" has no partner");
    QTest::newRow("hex: odd count, trailing space") << QStringLiteral("47\n\t a \n") << Mode::Hex << 2 << 3
                                                    << QStringLiteral("odd number of hex digits: \"a\" has no partner");
    QTest::newRow("hex: pair split by a space") << QStringLiteral("47 4 7") << Mode::Hex << 1 << 4
                                                << QStringLiteral("hex digit \"4\" has no partner: write each byte as two "
                                                                  "digits together, e.g. \"04\"");
    QTest::newRow("hex: one digit then newline") << QStringLiteral("a\n47") << Mode::Hex << 1 << 1
                                                 << QStringLiteral("hex digit \"a\" has no partner: write each byte as "
                                                                   "two digits together, e.g. \"0a\"");
}

void TestRequestCodec::invalid()
{
    QFETCH(QString, input);
    QFETCH(Mode, mode);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);

    for (const LineEnding ending : {LineEnding::LF, LineEnding::CRLF, LineEnding::None}) {
        const RequestCodec::Result result = RequestCodec::encode(input, mode, ending);
        QVERIFY(!result.ok());
        QVERIFY(result.error.isValid());
        QCOMPARE(result.error.line, line);
        QCOMPARE(result.error.column, column);
        QCOMPARE(result.error.message, message);
        QCOMPARE(result.error.toString(), QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message));
        // Never encoded partially.
        QVERIFY(result.bytes.isEmpty());
    }
    if (mode == Mode::Text) {
        // Same errors, same places, whatever happens to typed newlines.
        const RequestCodec::Result result = RequestCodec::encodeTextVerbatim(input);
        QCOMPARE(result.error.toString(), QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message));
        QVERIFY(result.bytes.isEmpty());
    }
}

void TestRequestCodec::errorToString()
{
    // The examples the request field shows.
    QCOMPARE(RequestCodec::encode(QStringLiteral("GET\nabcd\\q"), Mode::Text, LineEnding::LF).error.toString(),
             QStringLiteral("line 2, column 5: unknown escape \"\\q\""));
    QCOMPARE(RequestCodec::encode(QStringLiteral("ab\\x4"), Mode::Text, LineEnding::LF).error.toString(),
             QStringLiteral("line 1, column 3: \"\\x\" needs two hex digits"));
    QCOMPARE(RequestCodec::encode(QStringLiteral("47 45 a"), Mode::Hex, LineEnding::LF).error.toString(),
             QStringLiteral("line 1, column 7: odd number of hex digits: \"a\" has no partner"));

    const RequestCodec::Error none;
    QVERIFY(!none.isValid());
    QCOMPARE(none.line, 0);
    QVERIFY(none.toString().isEmpty());
}

void TestRequestCodec::presets_data()
{
    QTest::addColumn<Preset>("preset");
    QTest::addColumn<QString>("host");
    QTest::addColumn<quint16>("port");
    QTest::addColumn<QString>("expected");

    const quint16 http = 80;
    const quint16 alt = 8080;
    QTest::newRow("1.0, port 80") << Preset::Http10Get << QStringLiteral("example.com") << http
                                  << QStringLiteral("GET / HTTP/1.0\nHost: example.com\n\n");
    QTest::newRow("1.0, port 8080") << Preset::Http10Get << QStringLiteral("example.com") << alt
                                    << QStringLiteral("GET / HTTP/1.0\nHost: example.com:8080\n\n");
    QTest::newRow("1.0, IPv4") << Preset::Http10Get << QStringLiteral("127.0.0.1") << alt
                               << QStringLiteral("GET / HTTP/1.0\nHost: 127.0.0.1:8080\n\n");
    QTest::newRow("1.0, port 0 is not shown") << Preset::Http10Get << QStringLiteral("example.com") << quint16(0)
                                              << QStringLiteral("GET / HTTP/1.0\nHost: example.com\n\n");
    QTest::newRow("1.1, port 80") << Preset::Http11GetClose << QStringLiteral("example.com") << http
                                  << QStringLiteral("GET / HTTP/1.1\nHost: example.com\nConnection: close\n\n");
    QTest::newRow("1.1, port 443") << Preset::Http11GetClose << QStringLiteral("example.com") << quint16(443)
                                   << QStringLiteral("GET / HTTP/1.1\nHost: example.com:443\nConnection: close\n\n");
    QTest::newRow("1.1, IPv6, port 8080") << Preset::Http11GetClose << QStringLiteral("::1") << alt
                                          << QStringLiteral("GET / HTTP/1.1\nHost: [::1]:8080\nConnection: close\n\n");
    QTest::newRow("1.1, IPv6, port 80") << Preset::Http11GetClose << QStringLiteral("2001:db8::1") << http
                                        << QStringLiteral("GET / HTTP/1.1\nHost: [2001:db8::1]\nConnection: close\n\n");
    QTest::newRow("1.0, IPv6 already bracketed") << Preset::Http10Get << QStringLiteral("[::1]") << alt
                                                 << QStringLiteral("GET / HTTP/1.0\nHost: [::1]:8080\n\n");
    QTest::newRow("plain line") << Preset::PlainLine << QStringLiteral("example.com") << alt
                                << QStringLiteral("hello\n");
}

void TestRequestCodec::presets()
{
    QFETCH(Preset, preset);
    QFETCH(QString, host);
    QFETCH(quint16, port);
    QFETCH(QString, expected);

    QCOMPARE(RequestCodec::presetText(preset, host, port), expected);
}

void TestRequestCodec::presetEncodesAsHttp()
{
    const QString text = RequestCodec::presetText(Preset::Http11GetClose, QStringLiteral("::1"), 8080);
    const RequestCodec::Result result = RequestCodec::encode(text, Mode::Text, LineEnding::CRLF);
    QVERIFY(result.ok());
    QCOMPARE(result.bytes, QByteArrayLiteral("GET / HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n"));
}

void TestRequestCodec::names()
{
    QCOMPARE(RequestCodec::lineEndingName(LineEnding::LF), QStringLiteral("LF"));
    QCOMPARE(RequestCodec::lineEndingName(LineEnding::CRLF), QStringLiteral("CRLF"));
    QCOMPARE(RequestCodec::lineEndingName(LineEnding::None), QStringLiteral("None"));
    QCOMPARE(RequestCodec::modeName(Mode::Text), QStringLiteral("Text"));
    QCOMPARE(RequestCodec::modeName(Mode::Hex), QStringLiteral("Hex"));
}

QTEST_GUILESS_MAIN(TestRequestCodec)
#include "tst_requestcodec.moc"
