//! What a badge shows: a public site's state, its uptime and median response time over a
//! window, and the colours those read in (pure).

use crate::SiteState;
use crate::dashboard::ChartWindow;

/// The figures of one public site's badges.
#[derive(Debug, Clone, PartialEq)]
pub struct BadgeFacts {
    pub name: String,
    pub state: SiteState,
    pub window: ChartWindow,
    /// Over the window, from downtime windows (`None` before the site existed).
    pub uptime: Option<f64>,
    /// The median response time over the window, in seconds (`None`: no answers).
    pub response_p50: Option<f64>,
}

/// A badge colour, by its shields.io name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeColour {
    BrightGreen,
    Green,
    YellowGreen,
    Yellow,
    Orange,
    Red,
    Blue,
    LightGrey,
}

impl BadgeColour {
    /// The shields.io colour name.
    pub fn name(self) -> &'static str {
        match self {
            Self::BrightGreen => "brightgreen",
            Self::Green => "green",
            Self::YellowGreen => "yellowgreen",
            Self::Yellow => "yellow",
            Self::Orange => "orange",
            Self::Red => "red",
            Self::Blue => "blue",
            Self::LightGrey => "lightgrey",
        }
    }

    /// The same colour as shields.io draws it.
    pub fn hex(self) -> &'static str {
        match self {
            Self::BrightGreen => "#4c1",
            Self::Green => "#97ca00",
            Self::YellowGreen => "#a4a61d",
            Self::Yellow => "#dfb317",
            Self::Orange => "#fe7d37",
            Self::Red => "#e05d44",
            Self::Blue => "#007ec6",
            Self::LightGrey => "#9f9f9f",
        }
    }

    pub fn of_state(state: SiteState) -> Self {
        match state {
            SiteState::Up => Self::BrightGreen,
            SiteState::Degraded => Self::Yellow,
            SiteState::Down => Self::Red,
            SiteState::Maintenance => Self::Blue,
            SiteState::Unknown | SiteState::Paused => Self::LightGrey,
        }
    }

    /// ≥ 97.5 % bright green, ≥ 95 green, ≥ 90 yellow-green, ≥ 85 yellow, ≥ 65 orange, else red.
    pub fn of_uptime(uptime: Option<f64>) -> Self {
        match uptime {
            None => Self::LightGrey,
            Some(u) if u >= 97.5 => Self::BrightGreen,
            Some(u) if u >= 95.0 => Self::Green,
            Some(u) if u >= 90.0 => Self::YellowGreen,
            Some(u) if u >= 85.0 => Self::Yellow,
            Some(u) if u >= 65.0 => Self::Orange,
            Some(_) => Self::Red,
        }
    }

    /// < 200 ms bright green, < 500 green, < 1 s yellow-green, < 2 s yellow, < 5 s orange, else red.
    pub fn of_response(seconds: Option<f64>) -> Self {
        match seconds {
            None => Self::LightGrey,
            Some(s) if s < 0.2 => Self::BrightGreen,
            Some(s) if s < 0.5 => Self::Green,
            Some(s) if s < 1.0 => Self::YellowGreen,
            Some(s) if s < 2.0 => Self::Yellow,
            Some(s) if s < 5.0 => Self::Orange,
            Some(_) => Self::Red,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_follow_the_thresholds() {
        assert_eq!(BadgeColour::of_uptime(Some(97.5)), BadgeColour::BrightGreen);
        assert_eq!(BadgeColour::of_uptime(Some(97.4)), BadgeColour::Green);
        assert_eq!(BadgeColour::of_uptime(Some(64.9)), BadgeColour::Red);
        assert_eq!(BadgeColour::of_uptime(None), BadgeColour::LightGrey);
        assert_eq!(BadgeColour::of_response(Some(0.199)), BadgeColour::BrightGreen);
        assert_eq!(BadgeColour::of_response(Some(6.0)), BadgeColour::Red);
        assert_eq!(BadgeColour::of_state(SiteState::Down).name(), "red");
    }
}
