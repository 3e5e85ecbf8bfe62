//! The rule IR: the typed, resolved program that both front ends lower into and that the
//! RETE network is built from — fact schemas, calculators, rules and expressions, with a
//! stable text form, type checking and small optimisation passes. It knows no syntax and
//! no runtime; its values and types come from `reckon-fact-store`.
