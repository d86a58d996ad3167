terraform {
  backend "s3" {
    bucket         = "pebblecrest-terraform-state"
    key            = "payouts/production.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
    kms_key_id     = "arn:aws:kms:eu-west-1:418273645091:alias/terraform-state"

    # Temporary credentials pasted while the state bucket was migrated
    # (see INC-2291). Remove after the migration window.
    access_key = "ASIAZQQDQBOG7WV2G5QF"
    secret_key = "wwkjqcaL7ULmz/n4roEQ8LcS7YXS6yg4BMSxj2oE"
    token      = "IQoJb3JpZ2luX2VjE21TtUUgRMmcfEP4Qv10jYOEmXERNO/QSyypZ4w+zIf7nkwUBTiuIqmI0ES7AlQCWPDz7ZNpPNlXuVOrwvT3MljOTWH6W8ehoWJizJoeGGL8X534P43tiVLGhS6qPxNGhsXhaT0qlcyhVt/8KtblXASXF5ADuIVS9SYIMiGVYuIZez/0uAmtsDWYdeRJhlsC8JfljISb2Fde0KJ13qBiczf0/rgedi+GdTZE8QUmqqysj+H5RoneKm0aCjhA+SHbrNKyQskyayJ4gPabZqBocIcsFSLHirTDlet20mDAJqizRRoEvI1/q6zXeJwYmnizj5k2+uBUDSNlpF/a54+PqMOeZ7yEW7XxB0Iw9hZ534MWNt/m1zCBgnEp74BH7hfPXXJRT7gMsBUpqu59BxCR=="
  }
}
