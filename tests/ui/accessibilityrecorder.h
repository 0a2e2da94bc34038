#pragma once

#include <QAccessible>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "announce.h"

// Records the alerts and name changes sent to assistive technology while it
// exists. One at a time.
//
// Live, when the platform has accessibility (xcb with a screen reader or
// QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1): what Qt sends, through
// QAccessible::installUpdateHandler, Qt's own events included. Otherwise
// (offscreen, where Qt sends no events at all): what the program announces
// through Announce, which is where its events come from.
class AccessibilityRecorder
{
public:
    struct Event {
        QAccessible::Event type;
        QPointer<QObject> object;
        QString className; // of the object, which may be gone since
        QString name;      // the object's accessible name when the event was sent
    };

    AccessibilityRecorder()
    {
        s_current = this;
        m_wasActive = QAccessible::isActive();
        QAccessible::setActive(true);
        m_live = QAccessible::isActive();
        if (m_live) {
            m_previousHandler = QAccessible::installUpdateHandler(&fromQt);
        } else {
            m_previousObserver = Announce::setObserver(
                [](QObject *object, QAccessible::Event type) { add(object, type); });
        }
    }
    ~AccessibilityRecorder()
    {
        if (m_live)
            QAccessible::installUpdateHandler(m_previousHandler);
        else
            Announce::setObserver(m_previousObserver);
        QAccessible::setActive(m_wasActive);
        s_current = nullptr;
    }
    AccessibilityRecorder(const AccessibilityRecorder &) = delete;
    AccessibilityRecorder &operator=(const AccessibilityRecorder &) = delete;

    // True when the events are Qt's own (see above).
    bool isLive() const { return m_live; }

    // Names `object` had at each event of `type` about it, in order.
    QStringList names(QAccessible::Event type, const QObject *object) const
    {
        QStringList result;
        for (const Event &event : events) {
            if (event.type == type && event.object == object)
                result.append(event.name);
        }
        return result;
    }
    int count(QAccessible::Event type, const QObject *object) const { return int(names(type, object).size()); }
    void clear() { events.clear(); }

    QList<Event> events;

private:
    static void add(QObject *object, QAccessible::Event type)
    {
        if (!s_current || (type != QAccessible::Alert && type != QAccessible::NameChanged))
            return;
        QString name;
        if (QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(object); iface && iface->isValid())
            name = iface->text(QAccessible::Name);
        const QString className = object ? QString::fromLatin1(object->metaObject()->className()) : QString();
        s_current->events.append(Event{type, object, className, name});
    }
    static void fromQt(QAccessibleEvent *event) { add(event->object(), event->type()); }

    inline static AccessibilityRecorder *s_current = nullptr;
    QAccessible::UpdateHandler m_previousHandler = nullptr;
    Announce::Observer m_previousObserver;
    bool m_wasActive = false;
    bool m_live = false;
};
