#include "messagestatusbar.h"

#include <QPainter>
#include <QPaintEvent>
#include <QSizeGrip>
#include <QStyleOption>

MessageStatusBar::MessageStatusBar(QWidget *parent)
    : QStatusBar(parent)
{
    connect(this, &QStatusBar::messageChanged, this, [this](const QString &message) { setToolTip(message); });
}

QRect MessageStatusBar::messageRect() const
{
    // As QStatusBar lays its message out (6 px in, 12 px clear of the right
    // edge), but bounded by every visible child: while a message shows, the
    // only visible children are the permanent widgets and the size grip.
    const bool rtl = layoutDirection() == Qt::RightToLeft;
    int left = 6;
    int right = width() - 12;
    const QList<QWidget *> children = findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly);
    for (const QWidget *child : children) {
        if (!child->isVisible() || child->isWindow())
            continue;
        // Clear of a permanent field by a letter's width: "…" must not
        // read as part of the field's text.
        const int gap = qobject_cast<const QSizeGrip *>(child) ? 0 : fontMetrics().horizontalAdvance(QLatin1Char('M'));
        if (rtl)
            left = qMax(left, child->geometry().right() + 1 + gap);
        else
            right = qMin(right, child->x() - gap);
    }
    return QRect(left, 0, qMax(0, right - left), height());
}

QString MessageStatusBar::displayedMessage() const
{
    return fontMetrics().elidedText(currentMessage(), Qt::ElideRight, messageRect().width());
}

void MessageStatusBar::paintEvent(QPaintEvent *event)
{
    // QStatusBar::paintEvent() draws the message unelided; this draws what
    // it draws, with the message elided.
    const QString message = currentMessage();
    QPainter painter(this);
    QStyleOption panel;
    panel.initFrom(this);
    style()->drawPrimitive(QStyle::PE_PanelStatusBar, &panel, &painter, this);

    const QList<QWidget *> children = findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly);
    for (QWidget *child : children) {
        if (!child->isVisible() || child->isWindow() || qobject_cast<QSizeGrip *>(child))
            continue;
        const QRect frame = child->geometry().adjusted(-2, -1, 2, 1);
        if (!event->rect().intersects(frame))
            continue;
        QStyleOption option(0);
        option.rect = frame;
        option.palette = palette();
        option.state = QStyle::State_None;
        style()->drawPrimitive(QStyle::PE_FrameStatusBarItem, &option, &painter, child);
    }

    if (!message.isEmpty()) {
        painter.setPen(palette().windowText().color());
        painter.drawText(messageRect(), Qt::AlignLeading | Qt::AlignVCenter | Qt::TextSingleLine,
                         displayedMessage());
    }
}
