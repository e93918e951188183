DROP INDEX articles_list_order;
DROP INDEX articles_card;
