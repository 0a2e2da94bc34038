#include <iterator>
#include <optional>

#include <QTest>

#include "transcripttext.h"

// Inverse of TranscriptText::escape(), written from the documented grammar:
// nullopt if `text` is not something escape() can produce.
static std::optional<QByteArray> unescape(const QString &text)
{
    QByteArray out;
    const auto hexValue = [&text](qsizetype from, qsizetype count) -> std::optional<char32_t> {
        if (count < 1 || from + count > text.size())
            return std::nullopt;
        char32_t value = 0;
        for (qsizetype i = from; i < from + count; ++i) {
            const char16_t c = text.at(i).unicode();
            if (c >= u'0' && c <= u'9')
                value = value * 16 + (c - u'0');
            else if (c >= u'a' && c <= u'f')
                value = value * 16 + (c - u'a' + 10);
            else
                return std::nullopt;
        }
        return value;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('\\')) {
            const qsizetype length = text.at(i).isHighSurrogate() ? 2 : 1;
            out += QStringView(text).mid(i, length).toUtf8();
            i += length - 1;
            continue;
        }
        if (++i >= text.size())
            return std::nullopt;
        switch (text.at(i).unicode()) {
        case u'\\':
            out += '\\';
            break;
        case u'r':
            out += '\r';
            break;
        case u'n':
            out += '\n';
            break;
        case u't':
            out += '\t';
            break;
        case u'0':
            out += '\0';
            break;
        case u'x': {
            const auto value = hexValue(i + 1, 2);
            if (!value)
                return std::nullopt;
            out += static_cast<char>(*value);
            i += 2;
            break;
        }
        case u'u': {
            const qsizetype close = text.indexOf(QLatin1Char('}'), i);
            if (i + 1 >= text.size() || text.at(i + 1) != QLatin1Char('{') || close < 0)
                return std::nullopt;
            const auto value = hexValue(i + 2, close - i - 2);
            if (!value)
                return std::nullopt;
            out += QStringView(QChar::fromUcs4(*value)).toUtf8();
            i = close;
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return out;
}

static bool isFormatting(char32_t c)
{
    return (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F)
        || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069)
        || c == 0xFEFF;
}

// Nothing in `text` can act on a terminal or reorder/hide text on screen.
static bool isInert(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate()) {
            if (i + 1 >= text.size() || !text.at(i + 1).isLowSurrogate())
                return false;
            ++i;
            continue;
        }
        if (c.isLowSurrogate() || c.unicode() < 0x20 || c.unicode() == 0x7F || isFormatting(c.unicode()))
            return false;
    }
    return true;
}

class tst_TranscriptText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escape_data();
    void escape();
    void roundTripIsUnambiguous_data();
    void roundTripIsUnambiguous();
    void splitLines_data();
    void splitLines();
    void relativeTime_data();
    void relativeTime();
    void isoTime_data();
    void isoTime();
    void markers();
    void describeEvent_data();
    void describeEvent();
    void appendEscapedMatchesEscape();
    void appendEntryLinesMatchesEntryLines();
    void byteAtColumnInvertsEscape();
    void fastEscapeMatchesReference();
};

void tst_TranscriptText::escape_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *name, const QByteArray &bytes, const QString &expected) {
        QTest::newRow(name) << bytes << expected;
    };
    // Printable ASCII and valid UTF-8 stay.
    row("empty", QByteArray(), QString());
    row("printable ASCII", " Hello, world! ~", QStringLiteral(" Hello, world! ~"));
    row("2-byte UTF-8", "caf\xc3\xa9", QStringLiteral(u"caf\u00e9"));
    row("3-byte UTF-8", "\xe2\x82\xac", QStringLiteral(u"\u20ac"));
    row("4-byte UTF-8", "\xf0\x9f\x98\x80", QStringLiteral(u"\U0001F600"));
    row("lowest 3-byte U+0800", "\xe0\xa0\x80", QStringLiteral(u"\u0800"));
    row("lowest 4-byte U+10000", "\xf0\x90\x80\x80", QStringLiteral(u"\U00010000"));
    row("highest U+10FFFF", "\xf4\x8f\xbf\xbf", QStringLiteral(u"\U0010FFFF"));
    row("below surrogates U+D7FF", "\xed\x9f\xbf", QStringLiteral(u"\uD7FF"));
    row("above surrogates U+E000", "\xee\x80\x80", QStringLiteral(u"\uE000"));
    row("no-break space U+00A0", "\xc2\xa0", QStringLiteral(u"\u00a0"));
    row("hair space U+200A", "\xe2\x80\x8a", QStringLiteral(u"\u200a"));
    row("hyphen U+2010", "\xe2\x80\x90", QStringLiteral(u"\u2010"));
    row("U+202F", "\xe2\x80\xaf", QStringLiteral(u"\u202f"));
    row("U+206A", "\xe2\x81\xaa", QStringLiteral(u"\u206a"));
    row("U+061B", "\xd8\x9b", QStringLiteral(u"\u061b"));
    // Named escapes.
    row("backslash", "a\\b", QStringLiteral("a\\\\b"));
    row("backslash x is not an escape", "\\x41", QStringLiteral("\\\\x41"));
    row("CR LF TAB", "\r\n\t", QStringLiteral("\\r\\n\\t"));
    row("NUL", QByteArray("\0" "1", 2), QStringLiteral("\\0" "1"));
    // Other C0 controls and DEL.
    row("SOH", "\x01", QStringLiteral("\\x01"));
    row("ANSI colour", "\x1b[31mred", QStringLiteral("\\x1b[31mred"));
    row("BEL BS VT FF", "\x07\x08\x0b\x0c", QStringLiteral("\\x07\\x08\\x0b\\x0c"));
    row("US", "\x1f", QStringLiteral("\\x1f"));
    row("DEL", "\x7f", QStringLiteral("\\x7f"));
    // Bytes that are not valid UTF-8, each on its own.
    row("lone continuation", "\x80", QStringLiteral("\\x80"));
    row("continuations", "a\xbf\x80" "b", QStringLiteral("a\\xbf\\x80" "b"));
    row("FE FF", "\xfe\xff", QStringLiteral("\\xfe\\xff"));
    row("F5 lead", "\xf5\x80\x80\x80", QStringLiteral("\\xf5\\x80\\x80\\x80"));
    row("overlong 2-byte slash", "\xc0\xaf", QStringLiteral("\\xc0\\xaf"));
    row("overlong 2-byte C1", "\xc1\xbf", QStringLiteral("\\xc1\\xbf"));
    row("overlong 3-byte slash", "\xe0\x80\xaf", QStringLiteral("\\xe0\\x80\\xaf"));
    row("overlong 3-byte U+07FF", "\xe0\x9f\xbf", QStringLiteral("\\xe0\\x9f\\xbf"));
    row("overlong 4-byte slash", "\xf0\x80\x80\xaf", QStringLiteral("\\xf0\\x80\\x80\\xaf"));
    row("overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf", QStringLiteral("\\xf0\\x8f\\xbf\\xbf"));
    row("high surrogate", "\xed\xa0\x80", QStringLiteral("\\xed\\xa0\\x80"));
    row("low surrogate", "\xed\xbf\xbf", QStringLiteral("\\xed\\xbf\\xbf"));
    row("surrogate pair (CESU-8)", "\xed\xa0\xbd\xed\xb8\x80",
        QStringLiteral("\\xed\\xa0\\xbd\\xed\\xb8\\x80"));
    row("above U+10FFFF", "\xf4\x90\x80\x80", QStringLiteral("\\xf4\\x90\\x80\\x80"));
    row("truncated 2-byte at end", "a\xc3", QStringLiteral("a\\xc3"));
    row("truncated 3-byte at end", "\xe2\x82", QStringLiteral("\\xe2\\x82"));
    row("truncated 4-byte at end", "\xf0\x9f\x98", QStringLiteral("\\xf0\\x9f\\x98"));
    row("truncated 3-byte then ASCII", "\xe2\x82" "A", QStringLiteral("\\xe2\\x82" "A"));
    row("truncated then valid", "\xc3\xc3\xa9", QStringLiteral(u"\\xc3\u00e9"));
    row("truncated then newline", "\xe2\n", QStringLiteral("\\xe2\\n"));
    // C1 controls and formatting characters.
    row("C1 U+0080", "\xc2\x80", QStringLiteral("\\u{0080}"));
    row("C1 NEL U+0085", "\xc2\x85", QStringLiteral("\\u{0085}"));
    row("C1 CSI U+009B", "\xc2\x9b" "2J", QStringLiteral("\\u{009b}2J"));
    row("C1 U+009F", "\xc2\x9f", QStringLiteral("\\u{009f}"));
    row("ALM U+061C", "\xd8\x9c", QStringLiteral("\\u{061c}"));
    row("ZWSP U+200B", "\xe2\x80\x8b", QStringLiteral("\\u{200b}"));
    row("ZWJ U+200D", "\xe2\x80\x8d", QStringLiteral("\\u{200d}"));
    row("LRM U+200E", "\xe2\x80\x8e", QStringLiteral("\\u{200e}"));
    row("RLM U+200F", "\xe2\x80\x8f", QStringLiteral("\\u{200f}"));
    row("LS U+2028", "a\xe2\x80\xa8" "b", QStringLiteral("a\\u{2028}b"));
    row("PS U+2029", "\xe2\x80\xa9", QStringLiteral("\\u{2029}"));
    row("LRE U+202A", "\xe2\x80\xaa", QStringLiteral("\\u{202a}"));
    row("RLO U+202E", "a\xe2\x80\xae" "b", QStringLiteral("a\\u{202e}b"));
    row("WJ U+2060", "\xe2\x81\xa0", QStringLiteral("\\u{2060}"));
    row("LRI U+2066", "\xe2\x81\xa6", QStringLiteral("\\u{2066}"));
    row("PDI U+2069", "\xe2\x81\xa9", QStringLiteral("\\u{2069}"));
    row("BOM U+FEFF", "\xef\xbb\xbf" "x", QStringLiteral("\\u{feff}x"));
    row("mixed", "x\\\xff\r\n\xe2\x80\xae\xc3\xa9", QStringLiteral(u"x\\\\\\xff\\r\\n\\u{202e}\u00e9"));
}

void tst_TranscriptText::escape()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString escaped = TranscriptText::escape(bytes);
    QCOMPARE(escaped, expected);
    QVERIFY(isInert(escaped));
    QCOMPARE(unescape(escaped), std::optional<QByteArray>(bytes));
}

void tst_TranscriptText::roundTripIsUnambiguous_data()
{
    QTest::addColumn<QList<QByteArray>>("inputs");
    QList<QByteArray> singles;
    QByteArray all;
    for (int b = 0; b < 256; ++b) {
        singles.append(QByteArray(1, static_cast<char>(b)));
        all += static_cast<char>(b);
    }
    QTest::newRow("every byte alone") << singles;
    QTest::newRow("all 256 bytes in one buffer") << QList<QByteArray>{all, all + all};

    QList<QByteArray> pairs;
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b)
            pairs.append(QByteArray(1, static_cast<char>(a)) + static_cast<char>(b));
    }
    QTest::newRow("every pair of bytes") << pairs;

    // Every lead byte of a multi-byte sequence with continuation-range bytes
    // and a byte just outside that range: valid, overlong, surrogate,
    // too large and truncated forms.
    const char edges[] = {'\x7f', '\x80', '\x8f', '\x90', '\x9f', '\xa0', '\xbf', '\xc0'};
    QList<QByteArray> sequences;
    for (int lead = 0xC0; lead <= 0xFF; ++lead) {
        for (const char second : edges) {
            for (const char third : edges) {
                for (const char fourth : edges)
                    sequences.append(QByteArray(1, static_cast<char>(lead)) + second + third + fourth);
            }
        }
    }
    QTest::newRow("multi-byte edges") << sequences;
}

void tst_TranscriptText::roundTripIsUnambiguous()
{
    QFETCH(QList<QByteArray>, inputs);
    QSet<QString> seen;
    for (const QByteArray &bytes : std::as_const(inputs)) {
        const QString escaped = TranscriptText::escape(bytes);
        if (unescape(escaped) != std::optional<QByteArray>(bytes))
            QFAIL(qPrintable(QStringLiteral("no round trip for %1: %2").arg(QString::fromLatin1(bytes.toHex()), escaped)));
        if (!isInert(escaped))
            QFAIL(qPrintable(QStringLiteral("active output for %1").arg(QString::fromLatin1(bytes.toHex()))));
        seen.insert(escaped);
    }
    QCOMPARE(seen.size(), inputs.size()); // distinct inputs, distinct text
}

void tst_TranscriptText::splitLines_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("lines");
    QTest::newRow("empty") << QByteArray() << QStringList();
    QTest::newRow("no newline") << QByteArray("abc") << QStringList{QStringLiteral("abc")};
    QTest::newRow("newline at end") << QByteArray("abc\n") << QStringList{QStringLiteral("abc\\n")};
    QTest::newRow("two lines") << QByteArray("a\nb") << QStringList{QStringLiteral("a\\n"), QStringLiteral("b")};
    QTest::newRow("CRLF") << QByteArray("GET / HTTP/1.0\r\n\r\n")
                          << QStringList{QStringLiteral("GET / HTTP/1.0\\r\\n"), QStringLiteral("\\r\\n")};
    QTest::newRow("only newlines") << QByteArray("\n\n") << QStringList{QStringLiteral("\\n"), QStringLiteral("\\n")};
    QTest::newRow("CR alone does not end a line") << QByteArray("a\rb") << QStringList{QStringLiteral("a\\rb")};
    QTest::newRow("invalid UTF-8 before newline")
        << QByteArray("\xe2\x82\n\xc3\xa9") << QStringList{QStringLiteral("\\xe2\\x82\\n"), QStringLiteral(u"\u00e9")};
}

void tst_TranscriptText::splitLines()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, lines);
    QCOMPARE(TranscriptText::splitLines(bytes), lines);
    QCOMPARE(TranscriptText::splitLines(bytes).join(QString()), TranscriptText::escape(bytes));
}

void tst_TranscriptText::relativeTime_data()
{
    QTest::addColumn<qint64>("tMs");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("+0.000s");
    QTest::newRow("5 ms") << qint64(5) << QStringLiteral("+0.005s");
    QTest::newRow("1234 ms") << qint64(1234) << QStringLiteral("+1.234s");
    QTest::newRow("a minute") << qint64(61000) << QStringLiteral("+61.000s");
    QTest::newRow("a day") << qint64(86400123) << QStringLiteral("+86400.123s");
    QTest::newRow("negative") << qint64(-1005) << QStringLiteral("-1.005s");
}

void tst_TranscriptText::relativeTime()
{
    QFETCH(qint64, tMs);
    QFETCH(QString, expected);
    QCOMPARE(TranscriptText::relativeTime(tMs), expected);
}

void tst_TranscriptText::isoTime_data()
{
    QTest::addColumn<qint64>("wallMs");
    QTest::addColumn<QString>("expected");
    QTest::newRow("epoch") << qint64(0) << QStringLiteral("1970-01-01T00:00:00.000Z");
    QTest::newRow("with ms") << qint64(1795626272123) << QStringLiteral("2026-11-25T17:04:32.123Z");
    QTest::newRow("whole second") << qint64(1795626272000) << QStringLiteral("2026-11-25T17:04:32.000Z");
}

void tst_TranscriptText::isoTime()
{
    QFETCH(qint64, wallMs);
    QFETCH(QString, expected);
    QCOMPARE(TranscriptText::isoTime(wallMs), expected);
}

void tst_TranscriptText::markers()
{
    QCOMPARE(TranscriptText::marker(Transcript::Direction::Sent), QStringLiteral(">"));
    QCOMPARE(TranscriptText::marker(Transcript::Direction::Received), QStringLiteral("<"));
    QCOMPARE(TranscriptText::eventMarker(), QStringLiteral("*"));
}

void tst_TranscriptText::describeEvent_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *tag, const QString &name, const char *detail, const char *expected) {
        QTest::newRow(tag) << name << QString::fromUtf8(detail) << QString::fromUtf8(expected);
    };
    row("connecting", TranscriptEvent::connecting(), "example.org:80", "connecting to example.org:80");
    row("resolved", TranscriptEvent::lookedUp(), "93.184.216.34, 2606:2800::1",
        "resolved to 93.184.216.34, 2606:2800::1");
    row("connected", TranscriptEvent::connected(), "127.0.0.1:8080", "connected to 127.0.0.1:8080");
    row("connected IPv6", TranscriptEvent::connected(), "[::1]:8080", "connected to [::1]:8080");
    row("closed by peer", TranscriptEvent::closedByPeer(), "", "closed by peer");
    row("disconnected", TranscriptEvent::disconnected(), "", "disconnected by user");
    row("idle timeout", TranscriptEvent::idleTimeout(), "", "idle timeout");
    row("idle timeout with detail", TranscriptEvent::idleTimeout(), "no data for 5000 ms",
        "idle timeout (no data for 5000 ms)");
    row("error", TranscriptEvent::error(), "Connection refused", "error: Connection refused");
    row("error without detail", TranscriptEvent::error(), "", "error");
    row("unknown", QStringLiteral("tls_handshake"), "TLS 1.3", "tls_handshake: TLS 1.3");
    row("unknown without detail", QStringLiteral("paused"), "", "paused");
}

void tst_TranscriptText::describeEvent()
{
    QFETCH(QString, name);
    QFETCH(QString, detail);
    QFETCH(QString, expected);
    QCOMPARE(TranscriptText::describeEvent(name, detail), expected);
}

// The export's byte-level escaping is escape() in UTF-8, byte for byte:
// every sequence of up to three bytes, four-byte sequences around every
// boundary, and long random data.
void tst_TranscriptText::appendEscapedMatchesEscape()
{
    const auto check = [](QByteArrayView bytes) {
        QByteArray out = "prefix ";
        TranscriptText::appendEscaped(bytes, out);
        const QByteArray expected = "prefix " + TranscriptText::escape(bytes).toUtf8();
        if (out != expected)
            qWarning("differs for %s", bytes.toByteArray().toHex(' ').constData());
        return out == expected;
    };
    const auto bytesOf = [](std::initializer_list<int> values) {
        QByteArray result;
        for (const int value : values)
            result += char(value);
        return result;
    };
    QByteArray bytes(3, Qt::Uninitialized);
    for (int a = 0; a < 256; ++a) {
        QVERIFY(check(QByteArray(1, char(a))));
        for (int b = 0; b < 256; ++b) {
            QVERIFY(check(bytesOf({a, b})));
            if (a < 0xC0)
                continue; // a third byte changes nothing after an ASCII or continuation lead
            for (int c : {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBE, 0xBF, 0xC0, 0xFF}) {
                bytes[0] = char(a);
                bytes[1] = char(b);
                bytes[2] = char(c);
                QVERIFY(check(bytes));
            }
        }
    }
    for (int lead = 0xF0; lead <= 0xF4; ++lead) {
        for (int second = 0x80; second <= 0xBF; ++second) {
            for (int last : {0x80, 0xBF, 0x41}) {
                QVERIFY(check(bytesOf({lead, second, 0x80, last})));
            }
        }
    }
    // Formatting characters and non-characters, whole.
    for (const char *sample : {"\xe2\x80\xae", "\xe2\x80\xa8", "\xef\xbb\xbf", "\xc2\x85", "\xef\xbf\xbe",
                               "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xed\xa0\x80"})
        QVERIFY(check(QByteArrayView(sample)));
    quint32 state = 7;
    QByteArray random(1 << 20, Qt::Uninitialized);
    for (char &c : random) {
        state = state * 1103515245u + 12345u;
        c = char(state >> 24);
    }
    QVERIFY(check(random));
    QVERIFY(check(QByteArrayView()));
}

void tst_TranscriptText::appendEntryLinesMatchesEntryLines()
{
    Transcript::Entry data;
    data.kind = Transcript::Kind::Data;
    data.direction = Transcript::Direction::Received;
    data.tMs = 1234;
    data.wallMs = 1795626272123;
    Transcript::Entry datagram = data;
    datagram.direction = Transcript::Direction::Sent;
    datagram.source = QStringLiteral("[::1]:53\n\u202e");
    Transcript::Entry event;
    event.event = QStringLiteral("error");
    event.detail = QStringLiteral("reset\nby peer \u202e");
    const QByteArray bytes = "line one\r\n\xff\x1b[31m\n\ncaf\xc3\xa9 no newline at the end";
    for (const Transcript::Entry &entry : {data, datagram, event}) {
        for (const bool withTimes : {true, false}) {
            for (const QByteArray &chunk : {bytes, QByteArray("\n"), QByteArray()}) {
                QByteArray expected;
                for (const QString &line : TranscriptText::entryLines(entry, chunk, withTimes))
                    expected += line.toUtf8() + '\n';
                QByteArray out;
                TranscriptText::appendEntryLines(entry, chunk, withTimes, out);
                QCOMPARE(out, expected);
            }
        }
    }
}

void tst_TranscriptText::byteAtColumnInvertsEscape()
{
    // Units of every width: "a" 1, "\\0" 2, "\\x01" 4, "é" 1 column for 2 bytes,
    // "😀" 2 columns (a surrogate pair) for 4 bytes, U+200B "\\u{200b}" 8 for 3.
    static const char data[] = "a\0\x01\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\x8b\xc3z";
    const QByteArrayView bytes(data, sizeof data - 1);
    const QString escaped = TranscriptText::escape(bytes);
    QCOMPARE(escaped, QStringLiteral(u"a\\0\\x01\u00e9\U0001F600\\u{200b}\\xc3z"));
    const QList<qsizetype> starts = {0, 1, 2, 3, 5, 9, 12, 13}; // bytes that begin a unit
    qsizetype column = 0;
    for (qsizetype i = 0; i < starts.size(); ++i) {
        const qsizetype next = i + 1 < starts.size()
            ? TranscriptText::escape(bytes.first(starts.at(i + 1))).size()
            : escaped.size();
        for (; column < next; ++column)
            QCOMPARE(TranscriptText::byteAtColumn(bytes, column), starts.at(i));
    }
    QCOMPARE(TranscriptText::byteAtColumn(bytes, escaped.size()), bytes.size());
    QCOMPARE(TranscriptText::byteAtColumn(bytes, escaped.size() + 10), bytes.size());
    QCOMPARE(TranscriptText::byteAtColumn(QByteArrayView(), 0), 0);
}

// A plain, byte-at-a-time escape() written from the rules in
// transcripttext.h, decoding a sequence first and validating it after: what
// the fast escape() (runs of plain ASCII, lookup tables) must equal.
static QString referenceEscape(QByteArrayView bytes)
{
    QString out;
    const auto hex = [&out](char32_t value, int digits) {
        out += QString::number(value, 16).rightJustified(digits, u'0');
    };
    for (qsizetype pos = 0; pos < bytes.size();) {
        const auto b = static_cast<uchar>(bytes[pos]);
        const char *named = b == '\\' ? "\\\\"
            : b == '\r'               ? "\\r"
            : b == '\n'               ? "\\n"
            : b == '\t'               ? "\\t"
            : b == 0                  ? "\\0"
                                      : nullptr;
        if (named) {
            out += QLatin1String(named);
            ++pos;
            continue;
        }
        if (b < 0x20 || b == 0x7F) {
            out += QLatin1String("\\x");
            hex(b, 2);
            ++pos;
            continue;
        }
        if (b < 0x80) {
            out += QLatin1Char(char(b));
            ++pos;
            continue;
        }
        const int length = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        bool valid = length > 0 && pos + length <= bytes.size();
        char32_t c = length == 2 ? (b & 0x1Fu) : length == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (int i = 1; valid && i < length; ++i) {
            const auto next = static_cast<uchar>(bytes[pos + i]);
            valid = (next & 0xC0) == 0x80;
            c = (c << 6) | (next & 0x3Fu);
        }
        const char32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        valid = valid && c >= smallest && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
        if (!valid) {
            out += QLatin1String("\\x");
            hex(b, 2);
            ++pos;
            continue;
        }
        const bool formatting = (c >= 0x80 && c <= 0x9F) || c == 0x061C || (c >= 0x200B && c <= 0x200F) || c == 0x2028
            || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
        if (formatting) {
            out += QLatin1String("\\u{");
            hex(c, 4);
            out += QLatin1Char('}');
        } else {
            out += QString::fromUcs4(&c, 1);
        }
        pos += length;
    }
    return out;
}

void tst_TranscriptText::fastEscapeMatchesReference()
{
    const auto check = [](QByteArrayView bytes) {
        const QString expected = referenceEscape(bytes);
        QByteArray appended = "x";
        TranscriptText::appendEscaped(bytes, appended);
        const bool same = TranscriptText::escape(bytes) == expected && appended == QByteArray("x" + expected.toUtf8());
        if (!same)
            qWarning("differs for %s", bytes.toByteArray().toHex(' ').left(300).constData());
        return same;
    };
    // Every byte alone, after plain text, and before it.
    for (int b = 0; b < 256; ++b) {
        const QByteArray one(1, char(b));
        QVERIFY(check(one));
        QVERIFY(check(QByteArray("plain text " + one)));
        QVERIFY(check(QByteArray(one + " plain text")));
    }
    // Every pair, and every pair after a multi-byte lead (truncated at the end).
    QByteArray bytes(3, Qt::Uninitialized);
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            bytes[0] = char(a);
            bytes[1] = char(b);
            QVERIFY(check(QByteArrayView(bytes).first(2)));
            bytes[0] = char(0xE2);
            bytes[1] = char(a);
            bytes[2] = char(b);
            QVERIFY(check(bytes));
        }
    }
    // Every code point encoded (formatting characters among them), then
    // overlong forms, surrogates, values above U+10FFFF and truncations.
    QByteArray all;
    for (char32_t c = 0; c <= 0x10FFFF; ++c) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        all += QString::fromUcs4(&c, 1).toUtf8();
    }
    QVERIFY(check(all));
    for (const char *sample : {"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
                               "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
                               "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "ab\xe2\x80", "ab\xf0\x9f\x98",
                               "ab\xc3", "\xe2\x80\xae\xe2\x81\xa6\xd8\x9c\xef\xbb\xbf\xc2\x85x"}) {
        QVERIFY(check(QByteArrayView(sample)));
    }
    // Random bytes, and random text with some of everything.
    quint32 state = 12345;
    const auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return uchar(state >> 24);
    };
    QByteArray random(1 << 20, Qt::Uninitialized);
    for (char &c : random)
        c = char(next());
    QVERIFY(check(random));
    QByteArray mixed;
    const QByteArray pieces[] = {"plain ", "\\", "\r\n", "\t", QByteArray(1, '\0'), "\x7f", "caf\xc3\xa9",
                                 "\xe2\x80\xae", "\xf0\x9f\x98\x80", "\xff", "\xc3"};
    while (mixed.size() < (1 << 18))
        mixed += pieces[next() % std::size(pieces)];
    QVERIFY(check(mixed));
}

QTEST_GUILESS_MAIN(tst_TranscriptText)
#include "tst_transcripttext.moc"
