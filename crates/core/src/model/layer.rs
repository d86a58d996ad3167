use std::fmt;

/// The five smaqit layers, in upstream → downstream order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Business,
    Functional,
    Stack,
    Infrastructure,
    Coverage,
}

impl Layer {
    pub const ALL: [Layer; 5] =
        [Layer::Business, Layer::Functional, Layer::Stack, Layer::Infrastructure, Layer::Coverage];

    pub fn folder(self) -> &'static str {
        match self {
            Layer::Business => "business",
            Layer::Functional => "functional",
            Layer::Stack => "stack",
            Layer::Infrastructure => "infrastructure",
            Layer::Coverage => "coverage",
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Layer::Business => "BUS",
            Layer::Functional => "FUN",
            Layer::Stack => "STK",
            Layer::Infrastructure => "INF",
            Layer::Coverage => "COV",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Layer::Business => "Business",
            Layer::Functional => "Functional",
            Layer::Stack => "Stack",
            Layer::Infrastructure => "Infrastructure",
            Layer::Coverage => "Coverage",
        }
    }

    pub fn from_folder(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.folder() == name)
    }

    pub fn from_prefix(prefix: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.prefix() == prefix)
    }

    /// The layer an ID belongs to, from its prefix.
    pub fn of_id(id: &str) -> Option<Layer> {
        Layer::from_prefix(id.split('-').next()?)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}
