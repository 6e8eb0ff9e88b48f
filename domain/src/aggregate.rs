//! The cqrs-es `Aggregate` of a state with a pure `decide(&self, command) -> Result<Vec<Event>,
//! Error>` and a pure `evolve(&mut self, event)`: the adapter, written once for every aggregate.

/// Implements `cqrs_es::Aggregate` for `$state` (stored as aggregate type `$name`) from its
/// inherent `decide` and `evolve`.
#[macro_export]
macro_rules! aggregate {
    ($state:ty, $name:literal, $command:ty, $event:ty, $error:ty) => {
        impl cqrs_es::Aggregate for $state {
            const TYPE: &'static str = $name;
            type Command = $command;
            type Event = $event;
            type Error = $error;
            type Services = ();

            async fn handle(
                &mut self,
                command: Self::Command,
                _services: &Self::Services,
                sink: &cqrs_es::event_sink::EventSink<Self>,
            ) -> Result<(), Self::Error> {
                for event in self.decide(command)? {
                    sink.write(event, self).await;
                }
                Ok(())
            }

            fn apply(&mut self, event: Self::Event) {
                self.evolve(event)
            }
        }
    };
}
