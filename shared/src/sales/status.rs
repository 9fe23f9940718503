//! The status machines of quotes and orders, as pure functions from a status and a transition
//! to the next status or a typed refusal.
//!
//! A quote: draft → sent → accepted, refused or expired. An order: confirmed → delivered or
//! cancelled. A status written by a newer version (`Other`) accepts no transition here.

use std::fmt;

use crate::record::named_values;

named_values!(
    /// Where a quote stands.
    QuoteStatus {
        /// Being written; the only status in which it can change.
        Draft => "draft",
        /// Given to the customer; frozen.
        Sent => "sent",
        /// Signed by the customer; it can become an order.
        Accepted => "accepted",
        /// Declined by the customer.
        Refused => "refused",
        /// Past its validity date without an answer.
        Expired => "expired",
    }
);

named_values!(
    /// Where an order stands.
    OrderStatus {
        /// Taken and confirmed to the customer.
        Confirmed => "confirmed",
        /// Delivered.
        Delivered => "delivered",
        /// Cancelled before delivery.
        Cancelled => "cancelled",
    }
);

/// What can happen to a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuoteTransition {
    /// Hand it to the customer.
    Send,
    /// The customer signs it.
    Accept,
    /// The customer declines it.
    Refuse,
    /// Its validity date passed without an answer.
    Expire,
}

/// What can happen to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderTransition {
    /// The goods or services were delivered.
    Deliver,
    /// The order is called off.
    Cancel,
}

/// A transition the status machine does not allow from the current status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the document is {from}: it cannot {transition}")]
pub struct IllegalTransition<S: fmt::Display + fmt::Debug, T: fmt::Display + fmt::Debug> {
    /// The status it is in.
    pub from: S,
    /// The transition refused.
    pub transition: T,
}

impl QuoteStatus {
    /// The status after `transition`, or why it cannot happen now.
    pub fn after(
        &self,
        transition: QuoteTransition,
    ) -> Result<Self, IllegalTransition<Self, QuoteTransition>> {
        match (self, transition) {
            (Self::Draft, QuoteTransition::Send) => Ok(Self::Sent),
            (Self::Sent, QuoteTransition::Accept) => Ok(Self::Accepted),
            (Self::Sent, QuoteTransition::Refuse) => Ok(Self::Refused),
            (Self::Sent, QuoteTransition::Expire) => Ok(Self::Expired),
            _ => Err(IllegalTransition {
                from: self.clone(),
                transition,
            }),
        }
    }
}

impl OrderStatus {
    /// The status after `transition`, or why it cannot happen now.
    pub fn after(
        &self,
        transition: OrderTransition,
    ) -> Result<Self, IllegalTransition<Self, OrderTransition>> {
        match (self, transition) {
            (Self::Confirmed, OrderTransition::Deliver) => Ok(Self::Delivered),
            (Self::Confirmed, OrderTransition::Cancel) => Ok(Self::Cancelled),
            _ => Err(IllegalTransition {
                from: self.clone(),
                transition,
            }),
        }
    }
}

impl fmt::Display for QuoteTransition {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Send => "be sent",
            Self::Accept => "be accepted",
            Self::Refuse => "be refused",
            Self::Expire => "expire",
        })
    }
}

impl fmt::Display for OrderTransition {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Deliver => "be delivered",
            Self::Cancel => "be cancelled",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUOTE_TRANSITIONS: [QuoteTransition; 4] = [
        QuoteTransition::Send,
        QuoteTransition::Accept,
        QuoteTransition::Refuse,
        QuoteTransition::Expire,
    ];

    #[test]
    fn a_quote_goes_from_draft_to_sent_to_an_answer() {
        let sent = QuoteStatus::Draft.after(QuoteTransition::Send);
        assert_eq!(sent, Ok(QuoteStatus::Sent));
        for (transition, answer) in [
            (QuoteTransition::Accept, QuoteStatus::Accepted),
            (QuoteTransition::Refuse, QuoteStatus::Refused),
            (QuoteTransition::Expire, QuoteStatus::Expired),
        ] {
            assert_eq!(QuoteStatus::Sent.after(transition), Ok(answer));
        }
    }

    #[test]
    fn every_other_quote_transition_is_refused_with_its_reason() {
        let legal = [
            (QuoteStatus::Draft, QuoteTransition::Send),
            (QuoteStatus::Sent, QuoteTransition::Accept),
            (QuoteStatus::Sent, QuoteTransition::Refuse),
            (QuoteStatus::Sent, QuoteTransition::Expire),
        ];
        let statuses = [
            QuoteStatus::Draft,
            QuoteStatus::Sent,
            QuoteStatus::Accepted,
            QuoteStatus::Refused,
            QuoteStatus::Expired,
            QuoteStatus::Other("signed_twice".to_owned()),
        ];
        for status in &statuses {
            for transition in QUOTE_TRANSITIONS {
                if legal.contains(&(status.clone(), transition)) {
                    continue;
                }
                let refused = status.after(transition);
                assert_eq!(
                    refused,
                    Err(IllegalTransition {
                        from: status.clone(),
                        transition
                    })
                );
            }
        }
        let accepted_again = QuoteStatus::Accepted.after(QuoteTransition::Accept);
        assert_eq!(
            accepted_again.map_err(|error| error.to_string()),
            Err("the document is accepted: it cannot be accepted".to_owned())
        );
    }

    #[test]
    fn an_order_is_delivered_or_cancelled_once() {
        let confirmed = OrderStatus::Confirmed;
        assert_eq!(
            confirmed.after(OrderTransition::Deliver),
            Ok(OrderStatus::Delivered)
        );
        assert_eq!(
            confirmed.after(OrderTransition::Cancel),
            Ok(OrderStatus::Cancelled)
        );
        for ended in [OrderStatus::Delivered, OrderStatus::Cancelled] {
            for transition in [OrderTransition::Deliver, OrderTransition::Cancel] {
                assert_eq!(
                    ended.after(transition),
                    Err(IllegalTransition {
                        from: ended.clone(),
                        transition
                    })
                );
            }
        }
    }
}
