#include "searchpattern.h"

#include "requestcodec.h"

namespace {

int hexValue(QChar c)
{
    return RequestCodec::hexDigitValue(c);
}

bool isSeparator(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char(',');
}

QString shown(QChar c)
{
    if (c.category() == QChar::Other_Control || c.isSurrogate() || c.isSpace())
        return QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
    return QLatin1Char('"') + QString(c) + QLatin1Char('"');
}

} // namespace

SearchPattern SearchPattern::parse(const QString &input, Syntax syntax, bool matchCase)
{
    SearchPattern pattern;
    auto fail = [&pattern](int column, const QString &message) {
        pattern.m_bytes.clear();
        pattern.m_errorColumn = column;
        pattern.m_error = column > 0 ? QStringLiteral("column %1: %2").arg(column).arg(message) : message;
        return pattern;
    };

    if (syntax == Syntax::Text) {
        pattern.m_caseSensitive = matchCase;
        const RequestCodec::Result encoded = RequestCodec::encodeTextVerbatim(input);
        if (!encoded.ok()) // a Find field is one line: the column is enough
            return fail(encoded.error.column, encoded.error.message);
        pattern.m_bytes = encoded.bytes;
    } else {
        pattern.m_caseSensitive = true;
        qsizetype i = 0;
        const qsizetype n = input.size();
        while (i < n) {
            if (isSeparator(input.at(i))) {
                ++i;
                continue;
            }
            const qsizetype tokenStart = i;
            if (i + 1 < n && input.at(i) == QLatin1Char('0')
                && (input.at(i + 1) == QLatin1Char('x') || input.at(i + 1) == QLatin1Char('X'))) {
                i += 2;
                if (i >= n || isSeparator(input.at(i)))
                    return fail(int(tokenStart) + 1, QStringLiteral("\"0x\" needs hex digits after it"));
            }
            const qsizetype digitsStart = i;
            while (i < n && !isSeparator(input.at(i))) {
                if (hexValue(input.at(i)) < 0)
                    return fail(int(i) + 1, shown(input.at(i)) + QStringLiteral(" is not a hex digit"));
                ++i;
            }
            if ((i - digitsStart) % 2 != 0)
                return fail(int(tokenStart) + 1,
                            QStringLiteral("odd number of hex digits in \"%1\": write two per byte")
                                .arg(input.mid(tokenStart, i - tokenStart)));
            for (qsizetype d = digitsStart; d < i; d += 2)
                pattern.m_bytes += char(hexValue(input.at(d)) * 16 + hexValue(input.at(d + 1)));
        }
    }
    if (pattern.m_bytes.isEmpty())
        return fail(0, syntax == Syntax::Hex ? QStringLiteral("enter hex bytes to find, e.g. \"0d 0a\"")
                                             : QStringLiteral("enter text to find"));
    if (pattern.m_bytes.size() > maxLength)
        return fail(0, QStringLiteral("the pattern is longer than %1 bytes").arg(maxLength));
    return pattern;
}
