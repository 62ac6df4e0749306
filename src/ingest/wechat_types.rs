//! TODO: WeChat (Type, SubType) / v4 local_type / type_name -> MessageKind.
