//! TODO: WeChat system messages (type 10000 text, 10002 XML) -> membership events.
